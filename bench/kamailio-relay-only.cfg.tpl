#!KAMAILIO
# Leadline bench: "Kamailio alone" baseline.
#
# A stateful relay with Record-Route and nothing else: no service lookup, no
# rtpengine, no registrar, no auth. Every new INVITE goes to one fixed
# destination. The full Leadline path is measured against this in the same run.
#
# Placeholders (rendered by bench/call-path.ts with renderTemplate from
# bench/lib/kamailio.ts):
#   {{LISTEN_IP}} {{LISTEN_PORT}}  address Kamailio binds (UDP)
#   {{DEST}}                       host:port every new request is relayed to
#   {{CHILDREN}}                   UDP worker processes (4 beat 16 on 2 cores)
#
# Run in the foreground:
#   kamailio -f CFG -Y RUNDIR -DD -E -m 1024 -M 8
# (runtime_dir is rejected in the file by 5.6: pass -Y).

debug=1
log_stderror=yes
memdbg=5
memlog=5
children={{CHILDREN}}
auto_aliases=no
# the alias must carry the port, or phones on other loopback ports look local
alias="{{LISTEN_IP}}:{{LISTEN_PORT}}"
listen=udp:{{LISTEN_IP}}:{{LISTEN_PORT}}
disable_tcp=yes
# use_dns_cache=off
dns=no
rev_dns=no

loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"

modparam("tm", "fr_timer", 5000)
modparam("tm", "fr_inv_timer", 30000)
modparam("rr", "enable_full_lr", 0)
modparam("rr", "append_fromtag", 0)

request_route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (!sanity_check("17895", "7")) {
		xlog("L_WARN", "malformed SIP from $si:$sp\n");
		exit;
	}

	# CANCEL and retransmissions of known transactions
	if (is_method("CANCEL")) {
		if (t_check_trans()) {
			t_relay();
		}
		exit;
	}
	if (!is_method("ACK")) {
		t_check_trans();
	}

	# in-dialog requests follow the Record-Route set
	if (has_totag()) {
		if (loose_route()) {
			t_relay();
			exit;
		}
		if (is_method("ACK")) {
			# ACK of a non-2xx final: absorbed by tm if it matches
			if (t_check_trans()) {
				t_relay();
			}
			exit;
		}
		sl_send_reply("404", "Not here");
		exit;
	}

	if (is_method("ACK")) {
		exit;
	}

	# initial request: record-route and relay to the fixed destination
	remove_hf("Route");
	if (is_method("INVITE|SUBSCRIBE")) {
		record_route();
	}
	$du = "sip:{{DEST}}";
	if (!t_relay()) {
		sl_reply_error();
	}
	exit;
}
