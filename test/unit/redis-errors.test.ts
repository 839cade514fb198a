import { ReplyError } from 'ioredis';
import {
  isRedisOutage,
  redisCall,
  RedisUnavailableError,
} from '../../src/adapters/redis/redis-errors';

const reply = (message: string): Error =>
  new (ReplyError as new (message: string) => Error)(message);

describe('isRedisOutage', () => {
  it.each([
    ['a closed connection', new Error('Connection is closed.')],
    [
      'no offline queue',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    ['exhausted cluster redirections', new Error('Too many Cluster redirections. Last error: x')],
    ['a slot without master', reply('CLUSTERDOWN Hash slot not served')],
    ['a slot being migrated', reply('TRYAGAIN Multiple keys request during rehashing of slot')],
    ['a demoted master', reply("READONLY You can't write against a read only replica.")],
    ['a server loading its data', reply('LOADING Redis is loading the dataset in memory')],
  ])('is an outage for %s', (_, error) => {
    expect(isRedisOutage(error)).toBe(true);
  });

  it.each([
    ['a failing script', reply('ERR Error running script (call to f_1): @user_script:1: boom')],
    ['a wrong type', reply('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['a port range our script reports full', reply('EXHAUSTED 0')],
    ['something that is not an error', 'boom'],
  ])('is a bug, not an outage, for %s', (_, error) => {
    expect(isRedisOutage(error)).toBe(false);
  });
});

describe('redisCall', () => {
  it('turns an outage into UNAVAILABLE naming Redis, keeping the cause', async () => {
    const cause = new Error('Connection is closed.');

    const attempt = redisCall(() => Promise.reject(cause));

    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'redis unavailable: Connection is closed.',
      cause,
    });
  });

  it('lets any other failure through unchanged', async () => {
    const bug = reply('WRONGTYPE Operation against a key holding the wrong kind of value');

    await expect(redisCall(() => Promise.reject(bug))).rejects.toBe(bug);
  });
});
