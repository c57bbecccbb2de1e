// What the axios README's per-request fragment assumes: axios itself (with the augmentation
// `@breakwater/axios` adds), a Kraken instance, a search API's instance and a query.
declare const axios: typeof import('axios').default;
declare const api: import('axios').AxiosInstance;
declare const search: import('axios').AxiosInstance;
declare const baseURL: string;
declare const query: { text: string };
