import { checkReadiness } from '../../src/main/infra/readiness';

describe('checkReadiness', () => {
  it('is ready when every check resolves', async () => {
    const report = await checkReadiness(
      [
        { name: 'a', check: () => Promise.resolve() },
        { name: 'b', check: () => Promise.resolve() },
      ],
      100,
    );

    expect(report).toEqual({ ready: true, checks: { a: 'ok', b: 'ok' } });
  });

  it('names each failed dependency with its reason when checks reject or hang', async () => {
    const report = await checkReadiness(
      [
        { name: 'postgres', check: () => Promise.resolve() },
        { name: 'redis', check: () => Promise.reject(new Error('connection is reconnecting')) },
        { name: 'temporal', check: () => new Promise<void>(() => undefined) },
      ],
      50,
    );

    expect(report).toEqual({
      ready: false,
      checks: {
        postgres: 'ok',
        redis: 'connection is reconnecting',
        temporal: 'no answer within 50 ms',
      },
    });
  });
});
