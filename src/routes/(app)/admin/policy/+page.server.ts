import { fail } from '@sveltejs/kit';
import {
	POLICY_FORM_FIELDS,
	formatPolicyInput,
	parsePolicyInput,
	policyValue
} from '$lib/domain/policy-form';
import { requirePrincipal } from '$lib/server/auth/principal';
import { AppError } from '$lib/server/errors';
import { formObject, requireUser, translator } from '$lib/server/http';
import { currentPolicy, policyCache, policyHistory, savePolicy } from '$lib/server/platform/policy';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	// Operators only: the /admin area guard says so too, and savePolicy checks again.
	requireUser(locals, ['operator']);
	const history = await policyHistory(requirePrincipal(locals));
	const policy = currentPolicy();
	return {
		// the version just read from the database, not only this node's cache
		version: history[0]?.version ?? policyCache().version(),
		values: Object.fromEntries(
			POLICY_FORM_FIELDS.map((f) => [
				f.path,
				formatPolicyInput(f.unit, policyValue(policy, f.path))
			])
		),
		history: history.map((h) => ({ ...h, createdAt: h.createdAt.toISOString() }))
	};
};

export const actions: Actions = {
	save: async (event) => {
		requireUser(event.locals, ['operator']);
		const principal = requirePrincipal(event.locals);
		const values = formObject(await event.request.formData());
		const t = translator(event.locals.locale);
		try {
			const changes: Record<string, number> = {};
			const issues: { field: string; message: string }[] = [];
			for (const f of POLICY_FORM_FIELDS) {
				const r = parsePolicyInput(f.unit, values[f.path] ?? '');
				if ('error' in r) issues.push({ field: f.path, message: r.error });
				else changes[f.path] = r.value;
			}
			if (issues.length)
				throw new AppError('invalid', 'invalid_input', issues[0]!.message, {
					field: issues[0]!.field,
					issues
				});
			const baseVersion = Number(values.baseVersion);
			const saved = await savePolicy(principal, {
				changes,
				reason: values.reason ?? '',
				baseVersion: Number.isInteger(baseVersion) ? baseVersion : undefined
			});
			return { saved: saved.version };
		} catch (e) {
			if (!(e instanceof AppError)) throw e;
			const body = e.toJSON(t).error;
			// every problem found, by field, so each shows beside its input
			const fieldErrors: Record<string, string> = {};
			for (const i of (body.issues as { field: string; message: string }[] | undefined) ?? [])
				fieldErrors[i.field] ??= i.message;
			if (body.field) fieldErrors[body.field] ??= body.message;
			return fail(e.status, { error: body, fieldErrors, values });
		}
	}
};
