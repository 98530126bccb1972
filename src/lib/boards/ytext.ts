import * as Y from 'yjs';

/**
 * The edit that turns `a` into `b`. A prefix/suffix diff alone is ambiguous when the typed
 * character equals its neighbour (typing 【 next to another 【): the caret (`cursor`, where the
 * edit ended in `b`) decides, so the change lands where the person typed, not one character
 * off — which, with someone else typing at the same spot, would split their words.
 */
export function textEdit(a: string, b: string, cursor = b.length) {
	let suffix = 0;
	const maxSuffix = Math.min(a.length, b.length, Math.max(0, b.length - cursor));
	while (suffix < maxSuffix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
	let start = 0;
	const maxPrefix = Math.min(a.length, b.length) - suffix;
	while (start < maxPrefix && a[start] === b[start]) start++;
	return {
		start,
		removed: a.length - suffix - start,
		inserted: b.slice(start, b.length - suffix)
	};
}

/**
 * Binds a <textarea> (or <input>) to a Y.Text, both ways, keeping the caret where it belongs
 * when someone else types in the same text.
 *
 * Local input becomes the smallest delete+insert (common prefix/suffix diff). While an IME
 * composition is open (pinyin), nothing is written: the half-typed letters would reach the
 * others, and rewriting the field would break the composition. Remote changes that arrive
 * during it are applied to the field when the composition ends, at the position recorded as a
 * Yjs relative position when it started.
 */
export function bindYText(
	el: HTMLTextAreaElement | HTMLInputElement,
	params: { text: Y.Text; readOnly?: boolean }
) {
	let text = params.text;
	// This binding's own transactions; any other local change (a button that inserts text) is
	// rendered like a remote one.
	const origin = { binding: 'ytext' };
	let composing: {
		before: string;
		start: number;
		startPos: Y.RelativePosition;
		remoteChanged: boolean;
	} | null = null;

	const render = () => {
		el.value = text.toString();
	};

	function applyLocal(at: number, removed: number, inserted: string) {
		if (removed === 0 && inserted === '') return;
		text.doc!.transact(() => {
			if (removed > 0) text.delete(at, removed);
			if (inserted) text.insert(at, inserted);
		}, origin);
	}

	const onInput = (e: Event) => {
		if (params.readOnly || composing || (e as InputEvent).isComposing) return;
		const d = textEdit(text.toString(), el.value, el.selectionEnd ?? el.value.length);
		applyLocal(d.start, d.removed, d.inserted);
	};

	const onCompositionStart = () => {
		if (params.readOnly) return;
		const start = el.selectionStart ?? el.value.length;
		composing = {
			before: el.value,
			start,
			startPos: Y.createRelativePositionFromTypeIndex(text, start),
			remoteChanged: false
		};
	};

	const onCompositionEnd = () => {
		const c = composing;
		composing = null;
		if (!c || params.readOnly) return;
		if (!c.remoteChanged) {
			const d = textEdit(text.toString(), el.value, el.selectionEnd ?? el.value.length);
			applyLocal(d.start, d.removed, d.inserted);
			return;
		}
		// Someone else typed meanwhile: replay the composition's own change where it started.
		const d = textEdit(c.before, el.value, el.selectionEnd ?? el.value.length);
		const abs = Y.createAbsolutePositionFromRelativePosition(c.startPos, text.doc!);
		const at = (abs?.index ?? c.start) + (d.start - c.start);
		applyLocal(
			Math.max(0, Math.min(at, text.length)),
			Math.min(d.removed, text.length),
			d.inserted
		);
		const caret = Math.max(0, at + d.inserted.length);
		render();
		if (document.activeElement === el) el.setSelectionRange(caret, caret);
	};

	const observer = (event: Y.YTextEvent, tr: Y.Transaction) => {
		if (tr.origin === origin) return; // our own typing: the field already shows it
		if (composing) {
			composing.remoteChanged = true;
			return;
		}
		let s = el.selectionStart ?? 0;
		let e = el.selectionEnd ?? 0;
		let index = 0;
		for (const op of event.delta) {
			if (op.retain) index += op.retain;
			else if (typeof op.insert === 'string') {
				const n = op.insert.length;
				if (index < s) s += n;
				if (index < e) e += n;
				index += n;
			} else if (op.delete) {
				if (index < s) s = Math.max(index, s - op.delete);
				if (index < e) e = Math.max(index, e - op.delete);
			}
		}
		render();
		if (document.activeElement === el) el.setSelectionRange(s, e);
	};

	render();
	el.addEventListener('input', onInput);
	el.addEventListener('compositionstart', onCompositionStart);
	el.addEventListener('compositionend', onCompositionEnd);
	text.observe(observer);

	return {
		update(next: { text: Y.Text; readOnly?: boolean }) {
			if (next.text !== text) {
				text.unobserve(observer);
				text = next.text;
				text.observe(observer);
				composing = null;
				render();
			}
			params = next;
		},
		destroy() {
			el.removeEventListener('input', onInput);
			el.removeEventListener('compositionstart', onCompositionStart);
			el.removeEventListener('compositionend', onCompositionEnd);
			text.unobserve(observer);
		}
	};
}
