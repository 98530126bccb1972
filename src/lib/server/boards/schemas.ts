import { parseIsoDateTime } from '$lib/domain/input';
import { z } from '$lib/server/validation';

const name = z
	.string({ error: 'boards.err.name_required' })
	.trim()
	.min(1, 'boards.err.name_required')
	.max(80, 'boards.err.name_long');

/** '' or an ISO-8601 date-time (a datetime-local value is read as China time, UTC+8). */
const broadcastAt = z
	.string()
	.trim()
	.max(40)
	.optional()
	.transform((v, ctx) => {
		if (!v) return '';
		const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v) ? `${v}+08:00` : v;
		const t = Date.parse(local);
		// within the accepted date range (a show is later scheduled at this instant)
		if (Number.isNaN(t) || !parseIsoDateTime(new Date(t).toISOString())) {
			ctx.addIssue({ code: 'custom', message: 'boards.err.broadcast_at' });
			return z.NEVER;
		}
		return new Date(t).toISOString();
	});

const optionalUuid = z
	.union([z.literal(''), z.uuid({ error: 'boards.err.template' })])
	.optional()
	.transform((v) => v || undefined);

export const CreateBoardInput = z.object({
	name,
	templateId: optionalUuid,
	broadcastAt
});
export type CreateBoardInput = z.input<typeof CreateBoardInput>;

export const RenameBoardInput = z.object({ name });

export const DuplicateBoardInput = z.object({
	name: name.optional(),
	asTemplate: z
		.union([z.boolean(), z.enum(['on', 'true', 'false', ''])])
		.optional()
		.transform((v) => v === true || v === 'on' || v === 'true')
});

export const UpdateBoardInput = z
	.object({
		name: name.optional(),
		status: z.enum(['active', 'archived'], { error: 'boards.err.status' }).optional()
	})
	.refine((v) => v.name !== undefined || v.status !== undefined, {
		message: 'boards.err.nothing',
		path: ['name']
	});

export const ViewerInput = z.object({
	email: z
		.string()
		.trim()
		.toLowerCase()
		.pipe(z.email({ error: 'auth.err.email' }))
});

export const ListBoardsInput = z.object({
	status: z.enum(['active', 'archived', 'templates']).default('active')
});

export const SearchLotsInput = z.object({
	q: z.string().max(100).default(''),
	limit: z.coerce.number().int().min(1).max(50).default(20)
});
