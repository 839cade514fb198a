import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The package speaks the API version of the repository's proto/: its own generated code (npm run
 * proto in this package) must be what the server's is (npm run proto at the root), file for file.
 */
describe('@maestro/rooms-client generated code', () => {
  const root = path.resolve(__dirname, '../../..');
  const own = (file: string) => readFileSync(path.join(__dirname, '../src/gen', file), 'utf8');
  const server = (file: string) => readFileSync(path.join(root, 'src/gen', file), 'utf8');

  it.each(['api/v1/rooms_pb.ts', 'google/api/annotations_pb.ts', 'google/api/http_pb.ts'])(
    'is the same as the server’s %s',
    (file) => {
      expect(own(file)).toBe(server(file));
    },
  );
});
