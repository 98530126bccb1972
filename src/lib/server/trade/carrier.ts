// OWNER: h2. Contract stub. The carrier's delivered event (an API; docs say which real carrier
// protocol it mirrors and the local test server speaking it).
/** Marks the parcel delivered and, when all parcels of the order are, the order arrived. */
export async function carrierDelivered(
	raw: unknown,
	now = new Date()
): Promise<{ orderId: string | null }> {
	(void raw, void now);
	throw new Error('not built yet (h2)');
}
