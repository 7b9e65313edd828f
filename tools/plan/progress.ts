/**
 * A one-line progress indicator on stderr, only when stderr is a terminal (piped output and CI
 * logs stay plain). Updates are throttled and written synchronously: the program runs as one
 * long chain of promises, so a timer would not fire until it is over.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): { update: (phase: string, done: number, total?: number) => void; clear: () => void } {
  if (!stream.isTTY) return { update: () => {}, clear: () => {} };
  const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
  let last = 0;
  let frame = 0;
  let shown = false;
  return {
    update(phase, done, total) {
      const now = Date.now();
      if (now - last < 80) return;
      last = now;
      const count = total ? `${done}/${total}` : done ? String(done) : "";
      stream.write(`\r\x1b[2K${frames[frame++ % frames.length]} ${phase}${count ? `: ${count}` : ""}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
    },
  };
}
