// What the axios README's body-rule fragment assumes: an axios instance for Kraken's API.
declare const kraken: import('axios').AxiosInstance;
