import { z } from '$lib/server/validation';
import { currentPolicy } from '../platform/policy';
import { SELF_SIGNUP_ROLES } from '$lib/domain/roles';

// Messages are catalogue keys; the HTTP edge translates them for the caller.

export const emailSchema = z
	.string({ error: 'auth.err.required' })
	.trim()
	.toLowerCase()
	.min(1, { error: 'auth.err.required' })
	.max(254, { error: 'auth.err.too_long' })
	.pipe(z.email({ error: 'auth.err.email' }));

export const passwordSchema = z
	.string({ error: 'auth.err.required' })
	// the minimum in force when the password is checked, not when this module loaded; reported
	// as zod's own too_small so the message gets its {min}
	.superRefine((s, ctx) => {
		const minimum = passwordMin();
		if (s.length < minimum)
			ctx.addIssue({
				code: 'too_small',
				minimum,
				origin: 'string',
				inclusive: true,
				input: s,
				message: 'auth.err.password_short'
			});
	})
	.max(256, { error: 'auth.err.password_long' });

const name = z
	.string({ error: 'auth.err.required' })
	.trim()
	.min(1, { error: 'auth.err.required' })
	.max(80, { error: 'auth.err.too_long' });

export const SignUpInput = z.object({
	email: emailSchema,
	password: passwordSchema,
	displayName: name,
	orgName: name,
	role: z.enum(SELF_SIGNUP_ROLES, { error: 'auth.err.role' }),
	locale: z.enum(['zh-CN', 'en']).optional()
});
export type SignUpInput = z.infer<typeof SignUpInput>;

export const SignInInput = z.object({
	email: emailSchema,
	// No length rule here: a wrong password is a wrong password, whatever its length.
	password: z.string({ error: 'auth.err.required' }).min(1, { error: 'auth.err.required' }).max(256)
});
export type SignInInput = z.infer<typeof SignInInput>;

export const InviteInput = z.object({ email: emailSchema });

export const AcceptInvitationInput = z.object({
	token: z.string().min(10).max(200),
	email: emailSchema,
	password: passwordSchema,
	displayName: name,
	locale: z.enum(['zh-CN', 'en']).optional()
});

export const CreateApiTokenInput = z.object({ name });

/** The shortest password the policy in force accepts. */
export const passwordMin = () => currentPolicy().auth.passwordMinLength;
