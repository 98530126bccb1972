// The wholesale trade module's wiring (docs/TRADE.md): its jobs (timers, refunds), its realtime pushes and its
// OpenAPI part. Only src/lib/server/trade/ writes the trade_* tables.
import type { Module } from '../module';
import { rooms } from '$lib/realtime/events';
import { socketAck } from '../edge';
import type { SocketHandler } from '../realtime/io';
import { z } from '../validation';
import { watchableConversation } from './messages';
import { runCreditTimers } from './credit-timers';
import {
	pushCartChanged,
	pushCreditChanged,
	pushInvoiceReminder,
	pushDisputeChanged,
	pushMessageCreated,
	pushOrderChanged,
	pushSampleChanged
} from './publish';
import { settleRefunds } from './payments';
import { runTradeTimers } from './timers';
import { runSampleTimers } from './sample-timers';
import { runDisputeTimers } from './disputes';
import { runReplacementTimers } from './replacements';
import { tradeOpenApi } from './openapi';

const ConversationRef = z
	.object({
		kind: z.enum(['order', 'sample', 'dispute'], { error: 'v.choice' }),
		subjectId: z.uuid('v.id')
	})
	.strict();
const ConversationUnwatch = z.object({ conversationId: z.uuid('v.id') });

/** ConversationWatchV1: the parties only (anyone else: not_found), joins `conv:<id>`. */
const conversationSocket: SocketHandler = (_io, socket) => {
	const actor = socket.data.principal;
	socket.on(
		'ConversationWatchV1',
		socketAck(socket, 'ConversationWatchV1', ConversationRef, async ({ kind, subjectId }) => {
			const c = await watchableConversation(actor, { kind, id: subjectId });
			await socket.join(rooms.conv(c.id));
			return {
				conversationId: c.id,
				lastSeq: c.lastSeq,
				headHash: c.headHash,
				readSeq: c.readSeq
			};
		})
	);
	socket.on('ConversationUnwatchV1', (raw) => {
		const parsed = ConversationUnwatch.safeParse(raw);
		if (parsed.success) void socket.leave(rooms.conv(parsed.data.conversationId));
	});
};

export const tradeModule: Module = {
	name: 'trade',
	jobs: [
		// Unpaid expiry, accept/ship SLAs, the 48 h inspection window and release (one job, SKIP LOCKED).
		{ name: 'trade-timers', everyMs: 5_000, run: () => runTradeTimers() },
		// Sample requests: unpaid expiry, ship SLA refund, review window auto-approval (SKIP LOCKED).
		{ name: 'trade-sample-timers', everyMs: 10_000, run: () => runSampleTimers() },
		// Dispute clocks: no answer, counter-offer not taken, return not shipped / assumed received.
		{ name: 'trade-dispute-timers', everyMs: 5_000, run: () => runDisputeTimers() },
		// Replacement shipments (exchange, severe-defect rule) not shipped by their deadline:
		// the held escrow goes back to the buyer (SKIP LOCKED).
		{ name: 'trade-replacement-timers', everyMs: 10_000, run: () => runReplacementTimers() },
		// Pays out refunds the providers can pay themselves (the test provider; bank transfers
		// are paid back by operators, who record them).
		{ name: 'trade-refunds', everyMs: 10_000, run: () => settleRefunds() },
		// Invoice reminders on credit terms: before the due date and once overdue (SKIP LOCKED).
		{ name: 'trade-credit-timers', everyMs: 60_000, run: () => runCreditTimers() }
	],
	subscriptions: [
		{ event: 'trade.order.changed', afterCommit: pushOrderChanged },
		{ event: 'trade.cart.changed', afterCommit: pushCartChanged },
		{ event: 'trade.sample.changed', afterCommit: pushSampleChanged },
		{ event: 'trade.message.created', afterCommit: pushMessageCreated },
		{ event: 'trade.credit.changed', afterCommit: pushCreditChanged },
		{ event: 'trade.invoice.reminder', afterCommit: pushInvoiceReminder },
		{ event: 'trade.dispute.changed', afterCommit: pushDisputeChanged }
	],
	socketHandlers: [conversationSocket],
	openapi: tradeOpenApi
};
