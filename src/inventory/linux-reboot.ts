// How a Linux host (libvirt, Proxmox, the simulator) is rebooted and told apart after a reboot. A
// module of its own so the simulator, which lint loads, does not pull in the ssh runner (execa).
import type { RebootDefaults } from './provider.js';

/** Linux hosts (libvirt, Proxmox); each provider names its own in its registry descriptor. */
export const LINUX_REBOOT: RebootDefaults = {
  command: { shell: 'systemctl reboot' },
  bootId: { shell: 'cat /proc/sys/kernel/random/boot_id' },
};
