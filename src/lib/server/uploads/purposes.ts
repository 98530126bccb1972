import type { Principal } from '../auth/principal';

/**
 * What a resumable upload may be for, and its limits. Storage limits (what one file may weigh,
 * how big a request may be), not business rules: they sit here with the protocol. The module
 * that owns the thing a file is attached to decides who may upload for it (`UploadAuthorizer`,
 * passed in by the route), so this module imports none of them.
 */
export const UPLOAD_PURPOSES = {
	/** The buyer's video of a sampling inspection (trade order id as refId). */
	inspection_video: {
		mimes: ['video/mp4', 'video/quicktime', 'video/webm'],
		/** 500 MiB: ten minutes of 1080p phone video. */
		maxBytes: 500 * 1024 * 1024,
		/** Where the joined file goes in the media storage. */
		keyPrefix: (refId: string) => `trade/${refId}`
	},
	/**
	 * A photo, short video or PDF sent in a trade conversation (conversation id as refId): the
	 * chat record that counts as evidence (trade/messages.ts).
	 */
	message_attachment: {
		mimes: [
			'image/jpeg',
			'image/png',
			'image/webp',
			'video/mp4',
			'video/quicktime',
			'video/webm',
			'application/pdf'
		],
		/** 100 MiB: a short phone video. */
		maxBytes: 100 * 1024 * 1024,
		keyPrefix: (refId: string) => `trade/messages/${refId}`
	},
	/**
	 * A photo, video or PDF of a dispute's evidence (the trade order id as refId: evidence is
	 * named when filing, before the dispute exists, and added to it later). The limit here is the
	 * ceiling the policy may set; the trade module's authorizer applies the policy's own
	 * (`trade.disputes.evidenceMaxBytes`) when the upload is announced.
	 */
	dispute_evidence: {
		mimes: [
			'image/jpeg',
			'image/png',
			'image/webp',
			'video/mp4',
			'video/quicktime',
			'video/webm',
			'application/pdf'
		],
		maxBytes: 2 * 1024 * 1024 * 1024,
		keyPrefix: (refId: string) => `trade/disputes/${refId}`
	}
} as const satisfies Record<
	string,
	{ mimes: readonly string[]; maxBytes: number; keyPrefix: (refId: string) => string }
>;

export type UploadPurpose = keyof typeof UPLOAD_PURPOSES;
export const UPLOAD_PURPOSE_NAMES = Object.keys(UPLOAD_PURPOSES) as [
	UploadPurpose,
	...UploadPurpose[]
];
export const UPLOAD_MIMES = [
	'video/mp4',
	'video/quicktime',
	'video/webm',
	'image/jpeg',
	'image/png',
	'image/webp',
	'application/pdf'
] as const;

/** The largest chunk one PATCH may carry (well under the server's 50 MB body limit). */
export const UPLOAD_CHUNK_BYTES = 5 * 1024 * 1024;

/** An incomplete upload left alone this long is expired and its parts deleted. */
export const UPLOAD_EXPIRY_HOURS = 24;

/**
 * May `p` upload a file of `size` bytes for `purpose` attached to `refId`? Throws an AppError
 * (404 for someone else's thing, 409 when its state does not allow it, 413 over a limit the
 * owning module keeps in its policy) when not. Given by the owning module.
 */
export type UploadAuthorizer = (
	p: Principal,
	purpose: UploadPurpose,
	refId: string,
	now: Date,
	size: number
) => Promise<void>;
