#!/usr/bin/env bash
# docs/systemd.md's migration table stays whole and true: every
# confinement directive of systemd.exec(5) (systemd 252) has a row, and
# every policy key a row names is one the parser accepts.
. "$(dirname "$0")/../lib.sh"
doc=$TOP/docs/systemd.md
table=$(sed -n '/^## From systemd directives to policy keys/,/^## /p' "$doc" | grep '^| `')
[ -n "$table" ] && pass "the table is found" || fail "the table is found"

directives="User Group SupplementaryGroups AmbientCapabilities CapabilityBoundingSet SecureBits
NoNewPrivileges LimitCPU LimitFSIZE LimitDATA LimitSTACK LimitCORE LimitRSS LimitNOFILE LimitAS
LimitNPROC LimitMEMLOCK LimitLOCKS LimitSIGPENDING LimitMSGQUEUE LimitNICE LimitRTPRIO LimitRTTIME
UMask CoredumpFilter KeyringMode OOMScoreAdjust TimerSlackNSec Personality IgnoreSIGPIPE
Nice CPUSchedulingPolicy CPUSchedulingPriority CPUAffinity IOSchedulingClass IOSchedulingPriority
RootDirectory RootImage MountAPIVFS WorkingDirectory PAMName Environment PassEnvironment UnsetEnvironment
ProtectSystem ProtectHome RuntimeDirectory StateDirectory CacheDirectory LogsDirectory
ConfigurationDirectory ReadWritePaths ReadOnlyPaths InaccessiblePaths ExecPaths NoExecPaths
TemporaryFileSystem PrivateTmp PrivateDevices PrivateNetwork NetworkNamespacePath PrivateIPC
IPCNamespacePath PrivateUsers ProtectHostname ProtectClock ProtectKernelTunables
ProtectKernelModules ProtectKernelLogs ProtectControlGroups RestrictAddressFamilies
RestrictFileSystems RestrictNamespaces LockPersonality MemoryDenyWriteExecute RestrictRealtime
RestrictSUIDSGID RemoveIPC PrivateMounts MountFlags BindPaths BindReadOnlyPaths MountImages
ExtensionImages ExtensionDirectories ProtectProc ProcSubset DynamicUser
SystemCallFilter SystemCallErrorNumber SystemCallArchitectures SystemCallLog
IPAddressAllow IPAddressDeny SocketBindAllow SocketBindDeny
MemoryMax MemoryHigh MemorySwapMax CPUQuota CPUWeight TasksMax IOWeight"
missing=""
for d in $directives; do
	printf '%s\n' "$table" | cut -d'|' -f2 | grep -q "\`$d=" || missing="$missing $d="
done
is "$missing" "" "every confinement directive of systemd.exec(5) has a row"

# The parser's keys: the table in wrapper/policy.c, and the rlimits.
parser=$(sed -n 's/^ *{"\([a-z]*\)", "\([a-z_]*\)", set_.*/[\1] \2/p' "$TOP/wrapper/policy.c")
[ -n "$parser" ] && pass "found the parser's key table" || fail "found the parser's key table"
limits="as core cpu data fsize locks memlock msgqueue nice nofile nproc rss rtprio rttime sigpending stack"
keys=$(printf '%s\n' "$table" | cut -d'|' -f3 | grep -o '\[[a-z]*\] [a-z_]*' | sort -u)
n=0 bad=""
for k in $(printf '%s\n' "$keys" | tr ' ' '~'); do
	k=${k//\~/ }
	n=$((n + 1))
	case $k in
	"[limits] "*) printf '%s\n' $limits | grep -qx "${k#\[limits\] }" || bad="$bad; $k" ;;
	*) printf '%s\n' "$parser" | grep -qxF "$k" || bad="$bad; $k" ;;
	esac
done
[ "$n" -gt 30 ] && pass "the table names $n policy keys" || fail "the table names policy keys" "only $n"
is "$bad" "" "every key the table names is accepted by the parser"
# Each named key really parses (not only listed): a policy with each
# boolean key set to yes goes through check.
for k in "[namespaces] mount" "[namespaces] ipc" "[seccomp] restrict_namespaces" "[seccomp] lock_personality" \
	"[filesystem] private_tmp" "[filesystem] protect_kernel"; do
	sec=${k%%]*}; sec=${sec#[}; key=${k#*] }
	p=$(printf '[%s]\n%s = yes\n' "$sec" "$key" | policy "t-$sec-$key")
	run "$H" check "$p"
	is "$rc" 0 "check accepts $k = yes, as the table says"
done
