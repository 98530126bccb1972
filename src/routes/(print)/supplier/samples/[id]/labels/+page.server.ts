import QRCode from 'qrcode';
import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { getSample } from '$lib/server/trade';
import type { PageServerLoad } from './$types';

/**
 * The tag labels of a sample request, for its supplier (and operators; the buyer's side gets a
 * 404 from the service too, as the labels are the supplier's to print): per piece, the tag
 * number as Code 128 (drawn on the page) and as a QR code (the `qrcode` library, SVG).
 */
export const load: PageServerLoad = pageLoad(async ({ locals, params }) => {
	const p = requirePrincipal(locals);
	const sample = await getSample(p, params.id);
	const labels = await Promise.all(
		sample.tags.map(async (tag) => ({
			...tag,
			qr: await QRCode.toString(tag.number, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
		}))
	);
	return { sample, labels };
});
