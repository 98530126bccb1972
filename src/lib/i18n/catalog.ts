// The message catalogue. Each module adds one file per language under zh-CN/ and en/ and
// registers it here; the `satisfies` in every en file makes a missing translation a type error.
import zhCommon from './zh-CN/common';
import zhAuth from './zh-CN/auth';
import zhAreas from './zh-CN/areas';
import zhLive from './zh-CN/live';
import zhBoards from './zh-CN/boards';
import zhCatalog from './zh-CN/catalog';
import zhLedger from './zh-CN/ledger';
import zhOrders from './zh-CN/orders';
import zhInput from './zh-CN/input';
import zhValidation from './zh-CN/validation';
import zhLotImport from './zh-CN/lot-import';
import zhErrors from './zh-CN/errors';
import zhPlatform from './zh-CN/platform';
import zhTradeCore from './zh-CN/trade-core';
import zhTradeDisputes from './zh-CN/trade-disputes';
import zhTradeReplacements from './zh-CN/trade-replacements';
import zhTradeDisputePages from './zh-CN/trade-dispute-pages';
import zhTradeLifecycle from './zh-CN/trade-lifecycle';
import zhTradeApi from './zh-CN/trade-api';
import zhTradeSupplier from './zh-CN/trade-supplier';
import zhTradeBuyer from './zh-CN/trade-buyer';
import zhTradeSamples from './zh-CN/trade-samples';
import zhTradeMessages from './zh-CN/trade-messages';
import zhTradeCredit from './zh-CN/trade-credit';
import zhTradeAdminDisputes from './zh-CN/trade-admin-disputes';
import enCommon from './en/common';
import enAuth from './en/auth';
import enAreas from './en/areas';
import enLive from './en/live';
import enBoards from './en/boards';
import enCatalog from './en/catalog';
import enLedger from './en/ledger';
import enOrders from './en/orders';
import enInput from './en/input';
import enValidation from './en/validation';
import enLotImport from './en/lot-import';
import enErrors from './en/errors';
import enPlatform from './en/platform';
import enTradeCore from './en/trade-core';
import enTradeDisputes from './en/trade-disputes';
import enTradeReplacements from './en/trade-replacements';
import enTradeDisputePages from './en/trade-dispute-pages';
import enTradeLifecycle from './en/trade-lifecycle';
import enTradeApi from './en/trade-api';
import enTradeSupplier from './en/trade-supplier';
import enTradeBuyer from './en/trade-buyer';
import enTradeSamples from './en/trade-samples';
import enTradeMessages from './en/trade-messages';
import enTradeCredit from './en/trade-credit';
import enTradeAdminDisputes from './en/trade-admin-disputes';

export const zhCN = {
	...zhCommon,
	...zhAuth,
	...zhAreas,
	...zhLive,
	...zhBoards,
	...zhCatalog,
	...zhLedger,
	...zhOrders,
	...zhInput,
	...zhValidation,
	...zhLotImport,
	...zhErrors,
	...zhPlatform,
	...zhTradeCore,
	...zhTradeDisputes,
	...zhTradeReplacements,
	...zhTradeDisputePages,
	...zhTradeLifecycle,
	...zhTradeApi,
	...zhTradeSupplier,
	...zhTradeBuyer,
	...zhTradeSamples,
	...zhTradeMessages,
	...zhTradeCredit,
	...zhTradeAdminDisputes
} as const;
export const en: Record<MessageKey, string> = {
	...enCommon,
	...enAuth,
	...enAreas,
	...enLive,
	...enBoards,
	...enCatalog,
	...enLedger,
	...enOrders,
	...enInput,
	...enValidation,
	...enLotImport,
	...enErrors,
	...enPlatform,
	...enTradeCore,
	...enTradeDisputes,
	...enTradeReplacements,
	...enTradeDisputePages,
	...enTradeLifecycle,
	...enTradeApi,
	...enTradeSupplier,
	...enTradeBuyer,
	...enTradeSamples,
	...enTradeMessages,
	...enTradeCredit,
	...enTradeAdminDisputes
};

export type MessageKey = keyof typeof zhCN;
