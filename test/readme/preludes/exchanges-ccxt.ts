// What the exchanges README's proxy fragment assumes: the imports and keys of the ccxt example.
declare const ccxt: typeof import('ccxt').default;
declare const protectCcxt: typeof import('@breakwater/exchanges').protectCcxt;
declare const krakenPreset: typeof import('@breakwater/exchanges').krakenPreset;
declare const apiKey: string;
declare const secret: string;
