import type { IVolume, IVolumeMount } from "kubernetes-models/v1";

/** The only writable place in a container whose root file system is read-only. */
export function scratchVolume(sizeLimit: string): IVolume {
  return { name: "scratch", emptyDir: { sizeLimit } };
}
export const SCRATCH_MOUNT: IVolumeMount = { name: "scratch", mountPath: "/tmp" };

/** Shared memory for tensor-parallel vLLM workers; the container runtime's default /dev/shm is 64 MiB. */
export function sharedMemoryVolume(sizeLimit: string): IVolume {
  return { name: "dshm", emptyDir: { medium: "Memory", sizeLimit } };
}
export const SHARED_MEMORY_MOUNT: IVolumeMount = { name: "dshm", mountPath: "/dev/shm" };
