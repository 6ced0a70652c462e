// The Usage pane of the selected job: cgroup readings once a second, with a history for sparklines.
import { createStore } from 'zustand/vanilla';
import { readUsage, UsageSampler, type UsageReading, type UsageSample } from '../metrics/cgroup-usage.js';
import type { JobRecord } from '../jobs/types.js';

/** Samples kept: 5 minutes at one a second. */
export const HISTORY = 300;
/** Jobs whose history is kept while another job is selected (the least recently shown go first). */
export const JOBS_KEPT = 32;

export interface UsageState {
  jobId: string | undefined;
  cpu: number[];
  memory: number[];
  last: UsageSample | undefined;
  peakCpu: number;
  /** Highest working set among the samples taken (the kernel keeps a peak of usage only, cache included). */
  peakMemory: number;
  samples: number;
  sample(job: JobRecord | undefined): void;
  reset(): void;
}

export type UsageStore = ReturnType<typeof createUsageStore>;

export function createUsageStore(read: (mode: 'v1' | 'v2', cgroups: Record<string, string>) => UsageReading = readUsage) {
  let sampler: UsageSampler | undefined;
  type Kept = Pick<UsageState, 'cpu' | 'memory' | 'last' | 'peakCpu' | 'peakMemory' | 'samples'> & { sampler: UsageSampler | undefined };
  // Each job's history, so that moving the selection away and back does not start its sparklines over.
  const kept = new Map<string, Kept>();
  return createStore<UsageState>()((set, get) => ({
    jobId: undefined,
    cpu: [],
    memory: [],
    last: undefined,
    peakCpu: 0,
    peakMemory: 0,
    samples: 0,
    reset() {
      sampler = undefined;
      set({ jobId: undefined, cpu: [], memory: [], last: undefined, peakCpu: 0, peakMemory: 0, samples: 0 });
    },
    sample(job) {
      if (!job) {
        if (get().jobId) get().reset();
        return;
      }
      if (job.id !== get().jobId) {
        const st = get();
        if (st.jobId) {
          kept.delete(st.jobId);
          kept.set(st.jobId, { cpu: st.cpu, memory: st.memory, last: st.last, peakCpu: st.peakCpu, peakMemory: st.peakMemory, samples: st.samples, sampler });
          if (kept.size > JOBS_KEPT) kept.delete(kept.keys().next().value!);
        }
        get().reset();
        const back = kept.get(job.id);
        if (back) {
          const { sampler: s, ...rest } = back;
          sampler = s;
          set(rest);
        }
        set({ jobId: job.id });
      }
      if (job.state !== 'running' || !job.cgroups || !job.cgroupMode) return;
      const { cgroupMode, cgroups } = job;
      sampler ??= new UsageSampler(() => read(cgroupMode, cgroups));
      const s = sampler.sample();
      if (s.memoryCurrent === undefined && s.cpuUsec === undefined) return; // the cgroup is gone
      const push = (arr: number[], v: number) => {
        const next = arr.length >= HISTORY ? arr.slice(arr.length - HISTORY + 1) : arr.slice();
        next.push(v);
        return next;
      };
      const st = get();
      set({
        last: s,
        samples: st.samples + 1,
        cpu: s.cpuPercent !== undefined ? push(st.cpu, s.cpuPercent) : st.cpu,
        memory: workingSet(s) !== undefined ? push(st.memory, workingSet(s)!) : st.memory,
        peakCpu: Math.max(st.peakCpu, s.cpuPercent ?? 0),
        peakMemory: Math.max(st.peakMemory, workingSet(s) ?? 0),
      });
    },
  }));
}

/** The memory figure shown for a job: its working set where the kernel reports one, else all it is charged. */
export function workingSet(r: UsageReading): number | undefined {
  return r.memoryWorkingSet ?? r.memoryCurrent;
}

const SPARK = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** A one-line sparkline of the last `width` values, scaled to `max` (or the largest value). */
export function sparkline(values: number[], width: number, max?: number, glyphs: string[] = SPARK): string {
  if (width <= 0) return '';
  const slice = values.slice(-width);
  const top = max ?? Math.max(1e-9, ...slice);
  const out = slice.map((v) => {
    const i = Math.round((Math.max(0, Math.min(v, top)) / (top || 1)) * (glyphs.length - 1));
    return glyphs[i]!;
  });
  return ' '.repeat(width - out.length) + out.join('');
}
