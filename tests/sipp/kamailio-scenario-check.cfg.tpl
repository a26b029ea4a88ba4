#!KAMAILIO
# A tiny PBX used only by tests/e2e/sipp-scenarios.test.ts to prove the sipp scenarios
# in this directory against a real Kamailio (not the Leadline config):
#   REGISTER with digest auth (pv_www_authenticate against one literal password;
#   a wrong password gets 403), save/lookup in memory;
#   INVITE from {{AUTH_IP}} must authenticate (407, pv_proxy_authenticate);
#   callee "busy" -> {{BUSY}}, "noanswer" -> {{NOANSWER}} with a {{RING_MS}} ms ring timer
#   (Kamailio CANCELs, the caller gets 408), "nobody" -> 480 from the proxy,
#   anything else -> lookup("location") or 404.
debug=2
log_stderror=yes
children=2
auto_aliases=no
alias="{{LISTEN_IP}}:{{LISTEN_PORT}}"
listen=udp:{{LISTEN_IP}}:{{LISTEN_PORT}}
disable_tcp=yes
dns=no
rev_dns=no

loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"

modparam("usrloc", "db_mode", 0)

request_route {
	if (is_method("CANCEL")) {
		if (t_check_trans()) t_relay();
		exit;
	}
	if (!is_method("ACK")) t_check_trans();
	if (has_totag()) {
		if (loose_route()) { t_relay(); exit; }
		if (is_method("ACK")) { if (t_check_trans()) t_relay(); exit; }
		sl_send_reply("404", "Not here");
		exit;
	}
	if (is_method("ACK")) exit;

	if (is_method("REGISTER")) {
		$var(rc) = pv_www_authenticate("$fd", "{{PASSWORD}}", "0");
		xlog("L_INFO", "REGISTER $fu from $si:$sp auth=$var(rc)\n");
		if ($var(rc) == -2) { sl_send_reply("403", "Forbidden"); exit; }
		if ($var(rc) < 0) { auth_challenge("$fd", "1"); exit; }
		save("location");
		exit;
	}
	if ($si == "{{AUTH_IP}}") {
		$var(rc) = pv_proxy_authenticate("$fd", "{{PASSWORD}}", "0");
		if ($var(rc) == -2) { sl_send_reply("403", "Forbidden"); exit; }
		if ($var(rc) < 0) { auth_challenge("$fd", "1"); exit; }
		consume_credentials();
	}
	record_route();
	if ($rU == "nobody") { sl_send_reply("480", "Temporarily Unavailable"); exit; }
	if ($rU == "busy") { $du = "sip:{{BUSY}}"; t_relay(); exit; }
	if ($rU == "noanswer") {
		t_set_fr({{RING_MS}});
		$du = "sip:{{NOANSWER}}";
		t_relay();
		exit;
	}
	if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
	t_relay();
}
