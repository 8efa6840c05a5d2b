// Imported first by the CLI. `--set db_password=…` puts a value on patchwalk's own command line,
// which every local user can read in `ps` and /proc/PID/cmdline for as long as the run lasts.
// Setting the process title overwrites that memory, so from here on every --set shows its name
// only. (The value was readable for the few milliseconds before this line ran: being asked for a
// secret keeps it off the command line entirely.)
const args = process.argv.slice(2);
const masked = args.map((arg, index) => {
  if (arg.startsWith('--set=')) return `--set=${arg.slice('--set='.length).split('=')[0]}=…`;
  if (args[index - 1] === '--set' && arg.includes('=')) return `${arg.split('=')[0]}=…`;
  return arg;
});
if (masked.some((arg, index) => arg !== args[index])) process.title = ['patchwalk', ...masked].join(' ');
export {};
