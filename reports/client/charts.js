// Draws the report's charts with uPlot (inlined before this script) from
// the JSON in #faultline-data. Plain browser JavaScript, no build step: the
// report is one file that opens from disk. A chart is drawn when its box
// first comes near the screen, so a report of many systems opens at once.
(() => {
  const data = JSON.parse(document.getElementById('faultline-data').textContent);
  const FAULT_COLOURS = {
    partition: 'rgba(245,158,11,0.18)',
    kill: 'rgba(220,38,38,0.14)',
    pause: 'rgba(124,58,237,0.14)',
    other: 'rgba(100,116,139,0.16)',
  };
  const OK_COLOURS = ['#2563eb', '#0d9488', '#4f46e5', '#0891b2', '#65a30d', '#9333ea'];
  const TYPE_COLOURS = { fail: '#dc2626', info: '#f59e0b' };

  const faultKind = (name) =>
    name.startsWith('partition')
      ? 'partition'
      : name.startsWith('kill')
        ? 'kill'
        : name.startsWith('pause')
          ? 'pause'
          : 'other';

  /** Shades each fault window behind the data and names it at the top. */
  function faultBands(faults) {
    return {
      hooks: {
        drawClear: [
          (u) => {
            const { ctx } = u;
            const { top, height } = u.bbox;
            ctx.save();
            ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
            ctx.textBaseline = 'top';
            for (const f of faults) {
              const x0 = u.valToPos(f.start, 'x', true);
              const x1 = u.valToPos(f.end, 'x', true);
              ctx.fillStyle = FAULT_COLOURS[faultKind(f.fault)];
              ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
              ctx.fillStyle = '#5b3b00';
              ctx.fillText(`${f.fault} ${f.nodes.join(',')}`, x0 + 3, top + 3);
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  const width = (el) => Math.max(320, el.clientWidth || 900);
  const secondsAxis = { label: 'seconds into the run', stroke: '#5b6474' };

  /**
   * Lines per node over the run's seconds (provisioning and load before 0),
   * beside the fault windows; a gap in a line stays a gap.
   */
  function nodeLines(el, s, t, lines, label) {
    return new uPlot(
      {
        width: width(el),
        height: 200,
        scales: {
          x: { time: false, range: [Math.min(0, t[0] ?? 0), Math.max(s.durationS, t.at(-1) ?? 0)] },
        },
        axes: [secondsAxis, { label, stroke: '#5b6474' }],
        series: [{ label: 's' }, ...lines.map((l) => ({ ...l.series, spanGaps: false }))],
        plugins: [faultBands(s.faults)],
      },
      [t, ...lines.map((l) => l.values)],
      el,
    );
  }

  const draw = {
    scatter(el, s) {
      const series = [{}];
      const points = [null];
      let okIndex = 0;
      for (const part of s.series.scatter) {
        const colour =
          part.type === 'ok' ? OK_COLOURS[okIndex++ % OK_COLOURS.length] : TYPE_COLOURS[part.type];
        const shown = part.t.length < part.total ? ` (${part.t.length} of ${part.total})` : '';
        series.push({
          label: `${part.f} ${part.type}${shown}`,
          stroke: colour,
          fill: colour,
          paths: uPlot.paths.points(),
          points: { show: true, size: part.type === 'ok' ? 3 : 4, width: 0, fill: colour },
          facets: [
            { scale: 'x', auto: true },
            { scale: 'y', auto: true },
          ],
        });
        points.push([part.t, part.latencyMs.map((v) => Math.max(0.01, v))]);
      }
      return new uPlot(
        {
          mode: 2,
          width: width(el),
          height: 300,
          legend: { live: false },
          cursor: { show: false },
          scales: { x: { time: false, range: [0, s.durationS] }, y: { distr: 3 } },
          axes: [secondsAxis, { label: 'latency (ms, log)', stroke: '#5b6474' }],
          series,
          plugins: [faultBands(s.faults)],
        },
        points,
        el,
      );
    },

    quantiles(el, s) {
      const q = s.series.seconds;
      const centre = q.t.map((t) => t + 0.5);
      const line = (label, stroke) => ({ label, stroke, width: 1.5, spanGaps: false });
      return new uPlot(
        {
          width: width(el),
          height: 220,
          scales: { x: { time: false, range: [0, s.durationS] }, y: { distr: 3 } },
          axes: [secondsAxis, { label: 'latency of ok ops (ms, log)', stroke: '#5b6474' }],
          series: [
            { label: 's' },
            line('p50', '#2563eb'),
            line('p95', '#0d9488'),
            line('p99', '#d97706'),
            line('max', '#dc2626'),
          ],
          plugins: [faultBands(s.faults)],
        },
        [centre, q.p50, q.p95, q.p99, q.max],
        el,
      );
    },

    throughput(el, s) {
      const series = [{ label: 's' }];
      const columns = [];
      let t;
      if (s.series) {
        const q = s.series.seconds;
        t = q.t.map((x) => x + 0.5);
        Object.entries(q.okByF).forEach(([f, counts], i) => {
          series.push({ label: `${f} ok`, stroke: OK_COLOURS[i % OK_COLOURS.length], width: 1.5 });
          columns.push(counts);
        });
        series.push({ label: 'fail', stroke: TYPE_COLOURS.fail, width: 1 });
        columns.push(q.fail);
        series.push({ label: 'info', stroke: TYPE_COLOURS.info, width: 1 });
        columns.push(q.info);
      } else {
        t = s.timeline.t.map((x) => x + 0.5);
        series.push({ label: 'ok', stroke: OK_COLOURS[0], width: 1.5 });
        columns.push(s.timeline.ok);
        series.push({ label: 'fail', stroke: TYPE_COLOURS.fail, width: 1 });
        columns.push(s.timeline.fail);
        series.push({ label: 'info', stroke: TYPE_COLOURS.info, width: 1 });
        columns.push(s.timeline.info);
      }
      return new uPlot(
        {
          width: width(el),
          height: 220,
          scales: { x: { time: false, range: [0, s.durationS] } },
          axes: [secondsAxis, { label: 'ops per second', stroke: '#5b6474' }],
          series,
          plugins: [faultBands(s.faults)],
        },
        [t, ...columns],
        el,
      );
    },

    availability(el, s) {
      return bars(
        el,
        s.availability.map((a) => a.label),
        quorumGroups(s.availability),
        'share of ops ok',
        [0, 1],
      );
    },

    tvisibility(el, s) {
      const x = s.tVisibility.map((b) => b.upToMs ?? 10_000);
      return new uPlot(
        {
          width: width(el),
          height: 220,
          scales: { x: { time: false, distr: 3 }, y: { range: [0, 1] } },
          axes: [
            { label: 'ms after the write was acknowledged (log)', stroke: '#5b6474' },
            { label: 'P(read sees it)', stroke: '#5b6474' },
          ],
          series: [
            { label: 'ms' },
            {
              label: 'probability of a consistent read',
              stroke: '#2563eb',
              width: 2,
              points: { show: true, size: 6 },
            },
          ],
        },
        [x, s.tVisibility.map((b) => b.pConsistent)],
        el,
      );
    },

    // One of the system's own counters (hints pending, keys repaired) for
    // every node, beside the fault windows; a node's line starts when it
    // joined and breaks where it could not be read.
    internals(el, s) {
      const metric = el.dataset.metric;
      const { t, nodes } = s.internals;
      // The figure's caption says what it counts; the axis names it in short.
      const label = metric.replace(/([A-Z])/g, ' $1').toLowerCase();
      const lines = nodes.map((node, i) => ({
        series: { label: node.node, stroke: OK_COLOURS[i % OK_COLOURS.length], width: 1.5 },
        values: node.values[metric],
      }));
      return nodeLines(el, s, t, lines, label);
    },

    // One metric of every node over the whole run (provisioning and load
    // before 0), beside the fault windows: a node's line breaks while it is down.
    resources(el, s) {
      const metric = el.dataset.metric;
      const nodes = s.resources.nodes;
      const pairs = {
        cpu: [['cpu', '', 'CPU cores busy']],
        memory: [['memoryMB', '', 'memory (MB)']],
        disk: [
          ['diskWriteKBps', ' written', 'disk (KB/s)'],
          ['diskReadKBps', ' read', 'disk (KB/s)'],
        ],
        network: [
          ['netTxKBps', ' sent', 'network (KB/s)'],
          ['netRxKBps', ' received', 'network (KB/s)'],
        ],
      }[metric];
      const lines = nodes.flatMap((node, i) =>
        pairs.map(([field, suffix], j) => ({
          series: {
            label: `${node.node}${suffix}`,
            stroke: OK_COLOURS[i % OK_COLOURS.length],
            width: 1.5,
            dash: j === 1 ? [4, 3] : undefined,
          },
          values: node[field],
        })),
      );
      return nodeLines(el, s, nodes[0].t, lines, pairs[0][2]);
    },
  };

  /** The two bars of availability: ok share without the quorum, and with it. */
  const quorumGroups = (items) => [
    { label: 'side without its quorum', colour: '#dc2626', values: items.map((a) => a.noQuorum) },
    { label: 'side with it', colour: '#16a34a', values: items.map((a) => a.quorum) },
  ];

  /** Grouped bars over named categories, one colour per series. */
  function bars(el, labels, groups, yLabel, range) {
    const n = groups.length;
    const x = labels.map((_, i) => i);
    return new uPlot(
      {
        width: width(el),
        height: 240,
        scales: {
          x: { time: false, range: [-0.5, labels.length - 0.5] },
          y: range ? { range } : { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
        },
        axes: [
          {
            stroke: '#5b6474',
            splits: () => x,
            values: (_u, splits) => splits.map((i) => labels[i] ?? ''),
            size: 60,
            rotate: labels.length > 4 ? -20 : 0,
          },
          { label: yLabel, stroke: '#5b6474' },
        ],
        series: [
          { label: '' },
          ...groups.map((g, i) => ({
            label: g.label,
            stroke: g.colour,
            fill: g.colour,
            paths: uPlot.paths.bars({
              size: [0.8 / n, 60],
              align: n === 1 ? 0 : i < n / 2 ? -1 : 1,
            }),
            points: { show: false },
          })),
        ],
      },
      [x, ...groups.map((g) => g.values)],
      el,
    );
  }

  const crossCharts = {
    'side-throughput': (el) =>
      bars(
        el,
        data.sideBySide.map((p) => p.label),
        [
          {
            label: 'ok ops/s',
            colour: '#2563eb',
            values: data.sideBySide.map((p) => p.throughput),
          },
        ],
        'ok ops per second',
      ),
    'side-p99': (el) =>
      bars(
        el,
        data.sideBySide.map((p) => p.label),
        [{ label: 'p99 ms', colour: '#d97706', values: data.sideBySide.map((p) => p.p99) }],
        'p99 latency, slowest op type (ms)',
      ),
    'side-lost': (el) =>
      bars(
        el,
        data.sideBySide.map((p) => p.label),
        [
          {
            label: 'acknowledged writes lost',
            colour: '#dc2626',
            values: data.sideBySide.map((p) => p.lost),
          },
        ],
        'acknowledged writes lost',
      ),
    'side-availability': (el) =>
      bars(
        el,
        data.sideBySide.map((p) => p.label),
        quorumGroups(data.sideBySide),
        'share of ops ok in partitions',
        [0, 1],
      ),
  };

  /** One point per configuration: p99 across, anomalies up, availability in the label. */
  function sweep(el, points) {
    const series = [{}];
    const columns = [null];
    points.forEach((p, i) => {
      const colour = OK_COLOURS[i % OK_COLOURS.length];
      const avail =
        p.noQuorum === null ? 'no partition' : `${Math.round(p.noQuorum * 100)}% ok without quorum`;
      series.push({
        label: `${p.configuration}: ${avail}`,
        stroke: colour,
        fill: colour,
        paths: uPlot.paths.points(),
        points: { show: true, size: 10, width: 0, fill: colour },
        facets: [
          { scale: 'x', auto: true },
          { scale: 'y', auto: true },
        ],
      });
      columns.push([[p.p99 ?? 0], [p.anomalies]]);
    });
    return new uPlot(
      {
        mode: 2,
        width: width(el),
        height: 260,
        legend: { live: false },
        cursor: { show: false },
        scales: {
          x: { time: false, range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
        },
        axes: [
          { label: 'p99 latency (ms)', stroke: '#5b6474' },
          { label: 'anomalies (lost, stale, non-linearizable keys, …)', stroke: '#5b6474' },
        ],
        series,
      },
      columns,
      el,
    );
  }

  const bySystem = new Map(data.systems.map((s) => [s.id, s]));
  const render = (el) => {
    if (el.dataset.drawn) return;
    el.dataset.drawn = '1';
    const kind = el.dataset.chart;
    try {
      if (crossCharts[kind]) crossCharts[kind](el);
      else if (kind === 'sweep') sweep(el, data.sweeps[Number(el.dataset.index)].points);
      else draw[kind](el, bySystem.get(el.dataset.system));
      el.dataset.drawn = 'ok';
    } catch (error) {
      el.dataset.drawn = 'error';
      el.textContent = `chart not drawn: ${error.message}`;
    }
  };
  const boxes = document.querySelectorAll('[data-chart]');
  if ('IntersectionObserver' in window) {
    const seen = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (!e.isIntersecting) continue;
          seen.unobserve(e.target);
          render(e.target);
        }
      },
      { rootMargin: '400px' },
    );
    for (const el of boxes) seen.observe(el);
  } else for (const el of boxes) render(el);
  // A printout or a test can ask for every chart at once.
  window.faultlineDrawAll = () => {
    for (const el of boxes) render(el);
  };
})();
