// What the axios README's fragments assume: an axios instance of yours.
declare const api: import('axios').AxiosInstance;
