import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, execRows } from '../../src/lib/server/db';
import { orders } from '../../src/lib/server/db/schema';
import { translator } from '../../src/lib/server/http';
import { createShow } from '../../src/lib/server/live/shows';
import { importOrders } from '../../src/lib/server/orders';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { demoActor } from '../helpers/demo';

// An order sheet is checked like the lot import: every problem of every row in one pass, each
// message a catalogue key that reads in the caller's language.

let host: Awaited<ReturnType<typeof demoActor>>;
let lotId: string;
beforeAll(async () => {
	await seedDemoIfEmpty();
	host = await demoActor(DEMO_ACCOUNTS.host);
	const [row] = await execRows<{ id: string }>(sql`
		select l.id from lots l join users u on u.org_id = l.supplier_id
		where u.email = ${DEMO_ACCOUNTS.supplier1} and l.dropship_allowed and l.status = 'active'
		order by l.seq limit 1`);
	lotId = row!.id;
});

describe('order sheet import', () => {
	it('lists every problem of every row at once, in Chinese for a Chinese caller', async () => {
		const { id: showId } = await createShow(host.actor, {
			title: '导入校验专场',
			slots: [{ lotId }]
		});
		const head = 'externalId,lotId,quantity,unitPrice,name,phone,province,city,district,address\n';
		const sheet =
			head +
			`IMP-A,${lotId},abc,3500,张三,12ab,广东省,广州市,天河区,体育西路 1 号\n` +
			`IMP-B,not-a-lot,1,3500,,13900000001,广东省,广州市,天河区,体育西路 2 号\n` +
			// a second line of IMP-A: only its own line is checked again, not the address
			`IMP-A,${lotId},1,0,张三,12ab,广东省,广州市,天河区,体育西路 1 号\n`;
		const r = await importOrders(host.actor, showId, new TextEncoder().encode(sheet));
		expect(r.ok).toBe(false);
		const at = (row: number) =>
			r.errors
				.filter((e) => e.row === row)
				.map((e) => e.column)
				.sort();
		expect(at(2)).toEqual(['phone', 'quantity']);
		expect(at(3)).toEqual(['lotId', 'name']);
		expect(at(4)).toEqual(['unitPrice']);
		const zh = translator('zh-CN');
		const phone = r.errors.find((e) => e.column === 'phone')!;
		expect(zh(phone.message, phone.params)).toBe('请输入有效的手机或电话号码。');
		for (const e of r.errors) expect(zh(e.message, e.params)).toMatch(/[\u4e00-\u9fff]/);
		const unit = r.errors.find((e) => e.column === 'unitPrice')!;
		expect(translator('en')(unit.message, unit.params)).toBe('Must be at least 1.');
		expect(await db().select().from(orders).where(eq(orders.showId, showId))).toHaveLength(0);
	});

	it('names a missing column in the caller’s language', async () => {
		const { id: showId } = await createShow(host.actor, {
			title: '缺列专场',
			slots: [{ lotId }]
		});
		const r = await importOrders(
			host.actor,
			showId,
			new TextEncoder().encode('externalId,lotId,quantity\nX,Y,1\n')
		);
		expect(r.ok).toBe(false);
		const phone = r.errors.find((e) => e.column === 'phone')!;
		expect(translator('zh-CN')(phone.message, phone.params)).toBe('缺少列“手机”。');
	});
});
