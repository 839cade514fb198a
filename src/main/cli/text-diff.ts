/**
 * A unified diff of two texts by lines (longest common subsequence), with `context` unchanged
 * lines around each change; '' when they are equal. Meant for scheduler definitions: hundreds of
 * lines, not megabytes (O(n·m) memory).
 */
export function unifiedDiff(before: string, after: string, labels: [string, string], context = 3) {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  const edits = editScript(a, b);
  if (edits.every((edit) => edit.kind === ' ')) return '';
  const lines = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  const changed = edits
    .map((edit, index) => (edit.kind === ' ' ? -1 : index))
    .filter((i) => i >= 0);
  let index = 0;
  while (index < changed.length) {
    const first = changed[index]!;
    let last = first;
    while (index + 1 < changed.length && changed[index + 1]! - last <= 2 * context + 1) {
      last = changed[++index]!;
    }
    index++;
    const from = Math.max(0, first - context);
    const to = Math.min(edits.length - 1, last + context);
    const hunk = edits.slice(from, to + 1);
    const startA = edits.slice(0, from).filter((e) => e.kind !== '+').length + 1;
    const startB = edits.slice(0, from).filter((e) => e.kind !== '-').length + 1;
    const countA = hunk.filter((e) => e.kind !== '+').length;
    const countB = hunk.filter((e) => e.kind !== '-').length;
    // A side with no lines is `-0,0` (diff(1) counts its start from the line before).
    lines.push(
      `@@ -${countA ? startA : startA - 1},${countA} +${countB ? startB : startB - 1},${countB} @@`,
    );
    lines.push(...hunk.map((edit) => `${edit.kind}${edit.line}`));
  }
  return lines.join('\n');
}

interface Edit {
  kind: ' ' | '-' | '+';
  line: string;
}

function editScript(a: readonly string[], b: readonly string[]): Edit[] {
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i]![j] =
        a[i] === b[j]
          ? lengths[i + 1]![j + 1]! + 1
          : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      edits.push({ kind: ' ', line: a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      edits.push({ kind: '-', line: a[i++]! });
    } else {
      edits.push({ kind: '+', line: b[j++]! });
    }
  }
  return edits;
}
