/**
 * lt.assoc: frequent itemsets (Apriori, FP-Growth, Eclat) and association rules, for market-basket
 * analysis. Results follow mlxtend's definitions, so numbers can be checked against it.
 */
export { frequentItemsets, resolveMinCount, ALGORITHMS } from "./frequent.js";
export type { Algorithm, FrequentItemset, FrequentItemsetsOptions } from "./frequent.js";
export { associationRules, ruleMetrics, resolveMetric, RULE_METRICS } from "./rules.js";
export type { AssociationRule, AssociationRulesOptions, RuleMetric } from "./rules.js";
export { EncodedTransactions, encodeTransactions, compareItems } from "./transactions.js";
export type { Item } from "./transactions.js";
export { parseBaskets, parseTidy, TransactionFormatError } from "./formats.js";
export type { BasketOptions, TidyOptions } from "./formats.js";
