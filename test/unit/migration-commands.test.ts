import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SchedulerImportResult } from '../../src/app/scheduler-import';
import { runConfigConvert } from '../../src/main/config-convert-command';
import {
  importExitCode,
  parseImportArguments,
  renderImportReport,
} from '../../src/main/import-command';

const result = (outcome: SchedulerImportResult['outcome']): SchedulerImportResult => ({
  name: `s-${outcome}`,
  outcome,
  versions: ['v1.0.0'],
  activeVersion: 'v1.0.0',
  details: [],
});

function convert(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runConfigConvert(args, env, {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function configFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'maestro-v1-config-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

describe('maestro import arguments', () => {
  it('reads --from in both forms and every flag', () => {
    expect(parseImportArguments(['--from=postgres://h/m', '--dry-run'])).toEqual({
      from: 'postgres://h/m',
      dryRun: true,
      replace: false,
      skipInvalidVersions: false,
      activate: false,
    });
    expect(
      parseImportArguments(['--replace', '--from', 'postgresql://h/m', '--skip-invalid-versions']),
    ).toMatchObject({ from: 'postgresql://h/m', replace: true, skipInvalidVersions: true });
  });

  it.each([
    [[], '--from <postgres URL of Maestro v1> is required'],
    [['--from', 'mysql://h/m'], '--from must be a postgres:// or postgresql:// URL'],
    [['--from', 'postgres://h/m', '--force'], 'unknown argument "--force"'],
    [
      ['--from', 'postgres://h/m', '--activate', '--dry-run'],
      '--activate and --dry-run exclude each other',
    ],
  ])('refuses %p: %s', (args, usageError) => {
    expect(parseImportArguments(args)).toEqual({ usageError });
  });
});

describe('maestro import report', () => {
  it('exits 0 when all imported, unchanged or replaced, 3 when one was skipped, 1 on a failure', () => {
    expect(importExitCode([result('imported'), result('unchanged'), result('replaced')])).toBe(0);
    expect(importExitCode([result('imported'), result('invalid')])).toBe(3);
    expect(importExitCode([result('differs')])).toBe(3);
    expect(importExitCode([result('invalid'), result('failed')])).toBe(1);
  });

  it('says what a dry run would do and counts every outcome', () => {
    const report = renderImportReport(
      [{ ...result('imported'), details: ['version v0.9.0 left out: yaml: is not valid YAML'] }],
      true,
    );

    expect(report.split('\n')).toEqual([
      'would import  s-imported 1 version(s) v1.0.0; active v1.0.0',
      '    version v0.9.0 left out: yaml: is not valid YAML',
      'dry run, nothing written: 1 scheduler(s): 1 imported, 0 unchanged, 0 replaced, 0 differs, 0 invalid, 0 failed',
    ]);
  });
});

describe('maestro config convert', () => {
  it('prints an environment file from config.yaml and Maestro variables, the environment winning', () => {
    const file = configFile('api:\n  port: 8080\n  tracing:\n    jaeger:\n      disabled: true\n');

    const { code, out } = convert(['--from', file, '--from-env'], {
      MAESTRO_API_PORT: '9000',
      MAESTRO_LOG_LEVEL: 'debug',
      HOME: '/root',
    });

    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      '# maestro settings converted from Maestro v1 (docs/migrating-from-maestro.md)',
      '# Maestro v1 runs rooms on Kubernetes only',
      'MAESTRO_RUNTIME=kubernetes',
      '# api.port',
      'MAESTRO_MANAGEMENT_API_PORT=9000',
      '',
      '# already maestro settings, kept as they are:',
      '#   MAESTRO_LOG_LEVEL',
      '',
      '# not converted:',
      '#   api.tracing.jaeger.disabled: no equivalent: maestro exports no traces',
    ]);
  });

  it('exits 3 listing keys Maestro does not read', () => {
    const { code, out, err } = convert(['--from-env'], { MAESTRO_API_PROT: '8080' });

    expect(out).toContain('#   MAESTRO_API_PROT: not a Maestro v1 setting (MAESTRO_API_PROT)');
    expect(err).toBe('maestro config convert: 1 problem(s), listed above');
    expect(code).toBe(3);
  });

  it('exits 1 for a file that is not YAML and 2 without a source', () => {
    expect(convert(['--from', configFile('api: [port')]).code).toBe(1);
    expect(convert(['--from', '/nonexistent/config.yaml']).code).toBe(1);
    expect(convert([]).code).toBe(2);
  });
});
