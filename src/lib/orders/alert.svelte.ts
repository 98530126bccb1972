/**
 * New-order alerts in the browser: a count shared by the queue page and the navigation, a short
 * Web Audio beep, and a mute switch remembered in localStorage. Nothing here may throw: audio is
 * often blocked until the user interacts with the page, and storage may be unavailable.
 */

const MUTE_KEY = 'lotlive.orders.muted';

class OrderAlerts {
	/** Fulfilments that arrived while the queue page was open and are not yet acknowledged. */
	unseen = $state(0);
	muted = $state(false);
	private ctx: AudioContext | null = null;

	/** Reads the remembered mute switch (call in the browser only). */
	load(): void {
		try {
			this.muted = localStorage.getItem(MUTE_KEY) === '1';
		} catch {
			this.muted = false;
		}
	}

	toggleMute(): void {
		this.muted = !this.muted;
		try {
			localStorage.setItem(MUTE_KEY, this.muted ? '1' : '0');
		} catch {
			// private mode: the switch lasts for this page only
		}
	}

	private context(): AudioContext | null {
		const Ctor =
			globalThis.AudioContext ??
			(globalThis as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
		if (!Ctor) return null;
		this.ctx ??= new Ctor();
		if (this.ctx.state === 'suspended') void this.ctx.resume().catch(() => undefined);
		return this.ctx;
	}

	/**
	 * Browsers only let a page play sound after the user interacted with it: call this from a
	 * click or key press so later beeps (from socket events) are heard.
	 */
	unlock(): void {
		try {
			this.context();
		} catch {
			// no audio: beeps stay silent
		}
	}

	/** One short beep, unless muted or the browser refuses audio. */
	beep(): void {
		if (this.muted) return;
		try {
			const ctx = this.context();
			if (!ctx) return;
			const osc = ctx.createOscillator();
			const gain = ctx.createGain();
			osc.type = 'sine';
			osc.frequency.value = 880;
			const t0 = ctx.currentTime;
			gain.gain.setValueAtTime(0.0001, t0);
			gain.gain.exponentialRampToValueAtTime(0.2, t0 + 0.02);
			gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.25);
			osc.connect(gain).connect(ctx.destination);
			osc.start(t0);
			osc.stop(t0 + 0.3);
		} catch {
			// audio blocked or unsupported: the badge still shows the new order
		}
	}
}

export const orderAlerts = new OrderAlerts();
