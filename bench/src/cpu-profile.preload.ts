// Loaded into a service with `NODE_OPTIONS=--import=<this file>` by the profiling run (profile.main.ts), since
// NODE_OPTIONS may not carry --cpu-prof: samples the process's CPU from the first SIGUSR2 (sent once the start-up and
// the warm-up are over) to exit and writes a .cpuprofile (Chrome DevTools' format) named after the process id into
// BENCH_CPU_PROFILE_DIR.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const directory = process.env.BENCH_CPU_PROFILE_DIR;
if (directory) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  process.once('SIGUSR2', () => session.post('Profiler.start'));
  // the in-process inspector answers synchronously, so the profile is written before the process ends
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(directory, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
