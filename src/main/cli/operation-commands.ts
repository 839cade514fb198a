import type { Command } from 'commander';
import { Option } from 'commander';
import type { Operation, OperationSummary } from '@maestro/management-client';
import type { CliContext } from './cli-context';
import { parseDuration } from './durations';
import { ExitCode } from './exit-codes';
import { watchOperations } from './operation-watch';
import { render, shortTime, type Column } from './output';

const COLUMNS: Column<OperationSummary>[] = [
  { heading: 'ID', value: (o) => o.id },
  { heading: 'OPERATION', value: (o) => o.definitionName },
  { heading: 'STATUS', value: (o) => o.status },
  { heading: 'CREATED', value: (o) => shortTime(o.createdAt) },
  { heading: 'BY', value: (o) => o.actor?.subject },
];
const HISTORY_COLUMNS: Column<Operation['executionHistory'][number]>[] = [
  { heading: 'AT', value: (e) => shortTime(e.createdAt) },
  { heading: 'EVENT', value: (e) => e.event },
];

/** `maestro operations …`: list, get, watch, cancel. */
export function registerOperationCommands(program: Command, cli: CliContext): void {
  const operations = program
    .command('operations')
    .alias('ops')
    .description("list, inspect, follow and cancel a scheduler's operations (Management API)");

  operations
    .command('list <scheduler>')
    .description('pending, active and final operations (newest first)')
    .addOption(
      new Option('--stage <stage>', 'only this stage').choices(['pending', 'active', 'final']),
    )
    .action(
      cli.run(async (scheduler: string, options: { stage?: 'pending' | 'active' | 'final' }) => {
        const stages = options.stage ? [options.stage] : (['pending', 'active', 'final'] as const);
        const lists = await Promise.all(
          stages.map((stage) => cli.client().listOperations(scheduler, { stage })),
        );
        const all = lists.flatMap((page) => page.operations);
        cli.print({ operations: all }, all, COLUMNS);
      }),
    );

  operations
    .command('get <scheduler> <id>')
    .description('an operation with its input and execution history')
    .action(
      cli.run(async (scheduler: string, id: string) => {
        const operation = await cli.client().getOperation(scheduler, id);
        if (cli.format() !== 'table') {
          cli.io.out(render(cli.format(), operation, [], []));
          return;
        }
        cli.io.out(render('table', operation, [operation], COLUMNS));
        cli.io.out('');
        cli.io.out(render('table', operation, operation.executionHistory ?? [], HISTORY_COLUMNS));
      }),
    );

  operations
    .command('watch <scheduler> <id>')
    .description('follow an operation until it ends; exit 1 if it fails')
    .option('--timeout <duration>', 'give up after (e.g. 90s, 10m)', '30m')
    .action(
      cli.run(async (scheduler: string, id: string, options: { timeout: string }) => {
        const timeoutMs = parseDuration(options.timeout, '--timeout');
        const current = await cli.client().getScheduler(scheduler);
        const result = await watchOperations(cli.client(), current, [id], cli.io, { timeoutMs });
        if (result.isTimedOut) cli.io.err(`still running after ${timeoutMs / 1000} s (--timeout)`);
        return result.isSuccess ? ExitCode.OK : ExitCode.FAILED;
      }),
    );

  operations
    .command('cancel <scheduler> <id>')
    .description('cancel a pending or running operation')
    .action(
      cli.run(async (scheduler: string, id: string) => {
        await cli.client().cancelOperation(scheduler, id);
        cli.io.err(`cancel requested: ${id}`);
      }),
    );
}
