import { roomsOnStop } from '../../scripts/dev-rooms';

describe('what npm run dev does with live local rooms on Ctrl-C', () => {
  it.each([
    { args: ['--stop-rooms'], value: undefined, isInteractive: false, choice: 'stop' },
    { args: ['--keep-rooms'], value: '1', isInteractive: true, choice: 'keep' },
    { args: [], value: '1', isInteractive: false, choice: 'stop' },
    { args: [], value: 'yes', isInteractive: true, choice: 'stop' },
    { args: [], value: '0', isInteractive: true, choice: 'keep' },
    { args: [], value: '', isInteractive: true, choice: 'ask' },
    { args: [], value: undefined, isInteractive: true, choice: 'ask' },
    { args: [], value: undefined, isInteractive: false, choice: 'keep' },
  ])(
    'is $choice when the arguments are $args, MAESTRO_DEV_STOP_ROOMS is $value and a terminal is $isInteractive',
    ({ args, value, isInteractive, choice }) => {
      expect(roomsOnStop(args, value, isInteractive)).toBe(choice);
    },
  );

  it('rejects what it does not know at start-up, naming it', () => {
    expect(() => roomsOnStop(['--stop-room'], undefined, false)).toThrow(
      'unknown argument --stop-room: npm run dev takes --stop-rooms or --keep-rooms',
    );
    expect(() => roomsOnStop([], 'maybe', false)).toThrow(
      'MAESTRO_DEV_STOP_ROOMS is maybe: set it to 1 or 0',
    );
    expect(() => roomsOnStop(['--stop-rooms', '--keep-rooms'], undefined, true)).toThrow(
      '--stop-rooms and --keep-rooms contradict each other',
    );
  });
});
