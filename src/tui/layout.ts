// Sizes that both a view and its keys use (the view to draw, the keys to page by the same amount).

/** Rows of the Jobs list (its header included) in a content area `height` rows tall, for `count` jobs. */
export const jobsListRows = (height: number, count: number): number => Math.max(3, Math.min(count + 1, Math.floor(height * 0.3)));

/** Rows PgUp/PgDn move in the Runtimes list. */
export const runtimesPageRows = (height: number): number => Math.max(1, height - 4);
