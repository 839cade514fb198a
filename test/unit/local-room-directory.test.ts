import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readRoom } from '../../src/adapters/runtime/local/room-directory';

const meta = { id: 'room-1', scheduler: 's', version: 'v1', createdAt: '', ports: [] };

describe('a local room directory', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'room-directory-'));
    writeFileSync(path.join(dir, 'room.json'), JSON.stringify(meta));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names its room keeper by pid and start time when the keeper file is written', async () => {
    writeFileSync(path.join(dir, 'keeper'), '4242 9001');

    expect((await readRoom(dir))?.keeper).toEqual({ pid: 4242, startTime: '9001' });
  });

  it('names the room keeper of a room started before the rename, from its supervisor file', async () => {
    writeFileSync(path.join(dir, 'supervisor'), '4343 9002');

    expect((await readRoom(dir))?.keeper).toEqual({ pid: 4343, startTime: '9002' });
  });

  it('has no room keeper before one was spawned', async () => {
    expect(await readRoom(dir)).toEqual({ meta });
  });
});
