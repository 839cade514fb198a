import os from 'node:os';
import path from 'node:path';
import { maestroCacheDir } from '../../src/shared/cache-dir';

describe('maestroCacheDir', () => {
  it('is MAESTRO_CACHE_DIR when it is set, whatever XDG_CACHE_HOME says', () => {
    const dir = maestroCacheDir({ MAESTRO_CACHE_DIR: '/ci/cache', XDG_CACHE_HOME: '/xdg' });

    expect(dir).toBe('/ci/cache');
  });

  it('is maestro under XDG_CACHE_HOME when MAESTRO_CACHE_DIR is not set', () => {
    expect(maestroCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/maestro');
  });

  it('is ~/.cache/maestro when neither variable is set', () => {
    expect(maestroCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'maestro'));
  });
});
