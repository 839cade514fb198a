import { unifiedDiff } from '../../src/main/cli/text-diff';

describe('unifiedDiff', () => {
  const labels: [string, string] = ['a', 'b'];

  it('is empty when the texts are equal', () => {
    expect(unifiedDiff('x\ny', 'x\ny', labels)).toBe('');
  });

  it('shows a changed line as removed then added, with three lines of context', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8'].join('\n');
    const after = ['1', '2', '3', '4', 'five', '6', '7', '8'].join('\n');
    expect(unifiedDiff(before, after, labels).split('\n')).toEqual([
      '--- a',
      '+++ b',
      '@@ -2,7 +2,7 @@',
      ' 2',
      ' 3',
      ' 4',
      '-5',
      '+five',
      ' 6',
      ' 7',
      ' 8',
    ]);
  });

  it('starts a side with no lines at 0, as diff(1) does', () => {
    expect(unifiedDiff('', 'x\ny', labels).split('\n')).toEqual([
      '--- a',
      '+++ b',
      '@@ -0,0 +1,2 @@',
      '+x',
      '+y',
    ]);
  });

  it('makes one hunk of changes closer than twice the context, two of changes further apart', () => {
    const lines = Array.from({ length: 20 }, (_, i) => String(i));
    const near = lines.map((line) => (line === '3' || line === '8' ? `${line}!` : line));
    const far = lines.map((line) => (line === '1' || line === '18' ? `${line}!` : line));
    const hunks = (after: string[]) =>
      unifiedDiff(lines.join('\n'), after.join('\n'), labels)
        .split('\n')
        .filter((line) => line.startsWith('@@'));
    expect(hunks(near)).toEqual(['@@ -1,12 +1,12 @@']);
    expect(hunks(far)).toEqual(['@@ -1,5 +1,5 @@', '@@ -16,5 +16,5 @@']);
  });
});
