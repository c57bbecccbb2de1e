declare const client: import('ioredis').Redis;
