// The printable export of a conversation (GET /api/v1/trade/conversations/{kind}/{id}/export):
// one self-contained HTML page with every message's seq, time, author, hash and previous hash
// and the result of the chain check, for an evidence bundle (the browser's print → PDF).
import { translate, type Locale } from '$lib/i18n';
import type { Principal } from '../auth/principal';
import { exportConversation, type ConversationSubject } from './messages';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The export page's HTML for `p` (404 when not a party). */
export async function conversationExportHtml(
	p: Principal,
	subject: ConversationSubject,
	now: Date = new Date()
): Promise<string> {
	const { conversation, messages, check } = await exportConversation(p, subject);
	const l: Locale = p.locale;
	const t = (k: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
		translate(l, k, params);
	const kind = t(`trade.msg.export.kind.${conversation.kind}`);
	const rows = messages
		.map(
			(m) => `<tr>
<td class="seq">${m.seq}</td>
<td>${esc(m.at)}</td>
<td>${esc(t(`trade.msg.party.${m.party}`))}${m.senderUserId ? `<br><small>${esc(m.senderUserId)}</small>` : ''}</td>
<td class="body">${esc(m.body)}${m.attachments
				.map(
					(a) =>
						`<br>📎 ${esc(a.kind)} · ${esc(a.name)} · ${a.bytes} B<br><small>${esc(a.key)}</small>`
				)
				.join('')}</td>
<td class="hash">${esc(m.hash)}<br><small>${esc(t('trade.msg.export.prev'))}: ${esc(m.prevHash || '∅')}</small></td>
</tr>`
		)
		.join('\n');
	const verdict = check.ok
		? `<p class="ok" data-chain="ok">✔ ${esc(t('trade.msg.export.ok', { n: check.count }))}</p>`
		: `<p class="broken" data-chain="broken">✘ ${esc(t('trade.msg.export.broken', { seq: check.brokenAt ?? 0 }))}</p>`;
	return `<!doctype html>
<html lang="${l}">
<head>
<meta charset="utf-8">
<title>${esc(t('trade.msg.export.title'))}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:24px;color:#111}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #999;padding:4px 6px;vertical-align:top;text-align:left}
td.hash{font:11px/1.3 ui-monospace,monospace;word-break:break-all;max-width:22em}
td.body{white-space:pre-wrap}
.ok{color:#060;font-weight:bold}.broken{color:#b00;font-weight:bold}
@media print{button{display:none}}
</style>
</head>
<body>
<h1>${esc(t('trade.msg.export.title'))}</h1>
<p>${esc(t('trade.msg.export.subject', { kind, id: conversation.subjectId }))}<br>
${esc(t('trade.msg.export.head'))}: <code>${esc(conversation.headHash || '∅')}</code><br>
${esc(t('trade.msg.export.generated'))}: ${esc(now.toISOString())}</p>
${verdict}
<table>
<thead><tr><th>${esc(t('trade.msg.export.seq'))}</th><th>${esc(t('trade.msg.export.at'))}</th><th>${esc(t('trade.msg.export.author'))}</th><th>${esc(t('trade.msg.export.body'))}</th><th>${esc(t('trade.msg.export.hash'))}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p><small>SHA-256(prevHash + "\\n" + JSON[conversationId, seq, party, senderUserId, body, attachments[[key, kind, name, bytes]], at])</small></p>
</body>
</html>
`;
}
