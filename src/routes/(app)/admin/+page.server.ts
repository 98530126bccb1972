import { platformOverview } from '$lib/server/overview/service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({ overview: await platformOverview() });
