import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/temp-dirs.ts';
import { parseSockets, processGroupUsage } from './usage.ts';

describe('node usage', () => {
  it('sums a process group from /proc: CPU ticks, resident pages and disk bytes of its members only', () => {
    const proc = tempDir('faultline-proc-');
    const fake = (
      pid: number,
      comm: string,
      pgrp: number,
      utime: number,
      stime: number,
      rss: number,
      io: string,
    ) => {
      mkdirSync(join(proc, String(pid)));
      // Fields after "(comm) state": ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime … rss is the 24th field.
      const after = [1, pgrp, 0, 0, 0, 0, 0, 0, 0, 0, utime, stime, 0, 0, 0, 0, 0, 0, 0, 0, rss];
      writeFileSync(join(proc, String(pid), 'stat'), `${pid} (${comm}) S ${after.join(' ')} 0 0\n`);
      writeFileSync(join(proc, String(pid), 'io'), io);
    };
    fake(
      100,
      'redis server',
      100,
      150,
      50,
      1000,
      'rchar: 5\nread_bytes: 4096\nwrite_bytes: 8192\n',
    );
    fake(101, 'a (child) )', 100, 50, 0, 24, 'read_bytes: 0\nwrite_bytes: 4096\n');
    fake(200, 'other', 200, 9999, 9999, 9999, 'read_bytes: 1\nwrite_bytes: 1\n');
    mkdirSync(join(proc, 'self'));
    expect(processGroupUsage(100, proc)).toEqual({
      cpuSeconds: 2.5,
      memoryBytes: 1024 * 4096,
      diskReadBytes: 4096,
      diskWriteBytes: 12288,
    });
    expect(processGroupUsage(300, proc)).toBeUndefined();
  });

  it('reads a real process group: a child burning CPU shows its CPU time', async () => {
    const child = spawn(
      process.execPath,
      ['-e', 'const end = Date.now() + 30000; while (Date.now() < end);'],
      {
        detached: true,
        stdio: 'ignore',
      },
    );
    try {
      const deadline = Date.now() + 20_000;
      let usage = processGroupUsage(child.pid!);
      while ((usage?.cpuSeconds ?? 0) < 0.3 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        usage = processGroupUsage(child.pid!);
      }
      expect(usage!.cpuSeconds).toBeGreaterThanOrEqual(0.3);
      expect(usage!.memoryBytes).toBeGreaterThan(10 * 2 ** 20);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
  });

  it("parses ss's sockets with their acknowledged and received bytes", () => {
    const text = [
      'ESTAB 0      0      127.0.11.1:7000  127.0.11.101:40000',
      '\t cubic wscale:7,7 rto:204 bytes_sent:120 bytes_acked:100 bytes_received:2048 segs_out:3',
      'ESTAB 0      0      127.0.11.2:7000  127.0.11.1:51000',
      '\t cubic rto:204 mss:32768',
      // A JVM's sockets are IPv6 ones carrying IPv4: ss prints them mapped.
      'ESTAB 1000   0      [::ffff:127.0.11.3]:9042 [::ffff:127.0.0.1]:47260',
      '\t bbr rto:204 bytes_received:1000 segs_out:1',
      '',
    ].join('\n');
    expect(parseSockets(text)).toEqual([
      { local: '127.0.11.1:7000', remote: '127.0.11.101:40000', sent: 100, received: 2048 },
      { local: '127.0.11.2:7000', remote: '127.0.11.1:51000', sent: 0, received: 0 },
      { local: '127.0.11.3:9042', remote: '127.0.0.1:47260', sent: 0, received: 1000 },
    ]);
  });
});
