// What the ky README's fragments assume: the `kraken` instance built above them, and a search
// API's instance with a query.
declare const kraken: import('ky').KyInstance;
declare const search: import('ky').KyInstance;
declare const query: { text: string };
