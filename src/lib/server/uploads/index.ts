/**
 * Resumable uploads (tus-like) for large files such as inspection videos: announce, send chunks
 * at the server's offset, resume after a drop; joined into the media storage when complete.
 * The only writer of the `uploads` table.
 */
export {
	appendChunk,
	completedUpload,
	createUpload,
	expireStaleUploads,
	parseOffset,
	uploadStatus,
	uploadView,
	type UploadView
} from './service';
export { readBodyLimited, tooLarge } from './body';
export {
	UPLOAD_CHUNK_BYTES,
	UPLOAD_EXPIRY_HOURS,
	UPLOAD_PURPOSES,
	type UploadAuthorizer,
	type UploadPurpose
} from './purposes';
