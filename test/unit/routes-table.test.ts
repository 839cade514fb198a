import { readFileSync } from 'node:fs';
import { renderRoutesDocument, ROUTES_DOCUMENT } from '../../scripts/routes-table';

describe('docs/routes.md', () => {
  it('lists every HTTP route with its RPC and use case as the code has them (run `npm run docs` to refresh)', () => {
    const committed = readFileSync(ROUTES_DOCUMENT, 'utf8');

    expect(committed).toBe(renderRoutesDocument());
  });
});
