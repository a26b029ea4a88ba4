#!KAMAILIO
#
# Leadline SIP edge. Rendered by src/adapters/kamailio/render-config.ts: every
# placeholder in double braces below is filled from the validated configuration; nothing else changes.
#
# The SIP engine does SIP, the service decides: this file authenticates, filters,
# relays and reports. Where a call goes is asked of the service over evapi
# (a persistent TCP channel, JSON in netstrings); see docs/evapi-protocol.md.

####### Values a deployment can override #########
#!define REALM "{{SIP_DOMAIN}}"
#!define EVAPI_ADDR "{{EVAPI_ADDR}}"
#!define RTPENGINE_SOCK "{{RTPENGINE_SOCK}}"
#!trydef RING_TIMEOUT_MS {{RING_TIMEOUT_MS}}
# A suspended transaction is timed by fr_timer, not fr_inv_timer: the longest a
# caller may wait in line (routing.maxCallWaitSeconds) before Kamailio gives up.
#!trydef ROUTING_WAIT_MS {{ROUTING_WAIT_MS}}
#!trydef FLOOD_DENSITY 64
# New calls per second this node is rated for; the excess gets a fast 503
# instead of piling up into timeouts for everyone.
#!trydef MAX_CALLS_PER_SECOND {{MAX_CALLS_PER_SECOND}}

#!define FLT_TRUNK 1
#!define FLT_PHONE 2
# Requests Kamailio sends itself: the first leg of a click-to-call (dlg_bridge).
#!define FLT_CONTROLLER 3
#!define SELF_URI "sip:{{SIP_LISTEN}}:{{SIP_PORT}}"

####### Global parameters #########
debug=2
log_stderror=yes
log_prefix="{$mt $hdr(CSeq) $ci} "
memdbg=5
memlog=5
fork=yes
children={{CHILDREN}}
# Every ring attempt and every wait in line is a branch of the caller's INVITE
# transaction; 30 is as many as tm allows, and the service stops before it.
max_branches=30
auto_aliases=no
# SIP over UDP only; evapi has its own sockets.
disable_tcp=yes
listen=udp:{{SIP_LISTEN}}:{{SIP_PORT}}
# The alias must carry the port: a bare IP makes phones on other loopback ports
# look local and breaks loose_route().
alias="{{SIP_LISTEN}}:{{SIP_PORT}}"
server_header="Server: Leadline"
user_agent_header="User-Agent: Leadline"
tcp_accept_no_cl=yes
dns=no
rev_dns=no
use_dns_cache=no

####### Modules #########
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "auth.so"
loadmodule "htable.so"
loadmodule "pike.so"
loadmodule "pipelimit.so"
loadmodule "dialog.so"
loadmodule "rtpengine.so"
loadmodule "evapi.so"
loadmodule "jansson.so"
loadmodule "rtjson.so"
loadmodule "cfgutils.so"
# rtjson rewrites From (the company caller ID on outbound calls) through uac.
loadmodule "uac.so"
# Per-module log levels: evapi logs every message it receives at NOTICE.
loadmodule "debugger.so"

modparam("tm", "fr_timer", 4000)
modparam("tm", "fr_inv_timer", RING_TIMEOUT_MS)
# On a CANCEL from the caller, answer the INVITE with 487 at once.
modparam("tm", "cancel_b_method", 0)
modparam("rr", "enable_full_lr", 1)
modparam("rr", "append_fromtag", 1)
# Restores the original From on replies and in-dialog requests (needs Record-Route).
modparam("uac", "restore_mode", "auto")
modparam("uac", "rr_from_store_param", "lf")
modparam("uac", "rr_to_store_param", "lt")
modparam("registrar", "max_expires", 3600)
modparam("registrar", "min_expires", 30)
modparam("usrloc", "timer_interval", 10)
modparam("auth", "nonce_expire", 300)
modparam("auth", "secret", "{{AUTH_SECRET}}")
# HA1 hashes pushed by the service when it connects; never plaintext passwords.
modparam("htable", "htable", "credentials=>size=8;autoexpire=0;")
modparam("htable", "htable", "trunks=>size=4;autoexpire=0;")
modparam("pike", "sampling_time_unit", 2)
modparam("pike", "reqs_density_per_unit", FLOOD_DENSITY)
modparam("pike", "remove_latency", 4)
modparam("pipelimit", "timer_interval", 1)
modparam("pipelimit", "reply_code", 503)
modparam("pipelimit", "reply_reason", "Overloaded")
modparam("dialog", "enable_stats", 1)
modparam("dialog", "default_timeout", 14400)
# Click-to-call: the manager's phone sees this caller, then is REFERred to the client.
modparam("dialog", "bridge_controller", "sip:click-to-call@{{SIP_DOMAIN}}")
modparam("dialog", "bridge_contact", "sip:click-to-call@{{SIP_LISTEN}}:{{SIP_PORT}}")
modparam("rtpengine", "rtpengine_sock", RTPENGINE_SOCK)
modparam("rtpengine", "rtpengine_tout_ms", 1000)
modparam("evapi", "bind_addr", EVAPI_ADDR)
modparam("evapi", "workers", {{EVAPI_WORKERS}})
modparam("evapi", "netstring_format", 1)
modparam("debugger", "mod_hash_size", 4)
modparam("debugger", "mod_level_mode", 1)
modparam("debugger", "mod_level", "evapi=0")

####### Routing logic #########

# Table of contents for every request.
request_route {
	# sanity, loops, flood
	route(REQINIT);
	# CANCEL of a pending INVITE
	route(CANCEL);
	# requests inside an established dialog
	route(WITHINDLG);
	# retransmissions of a transaction already handled
	route(RETRANS);
	# trunk address list, or digest auth for phones
	route(AUTH);
	# phones registering
	route(REGISTRAR);
	# a new call: ask the service where it goes
	route(ASK_SERVICE);
}

# Drops malformed and flooding requests before any work is spent on them.
route[REQINIT] {
	if ($sht(trunks=>$si) != $null) {
		setflag(FLT_TRUNK);
	} else if ($si == "{{SIP_LISTEN}}" && $sp == {{SIP_PORT}}) {
		setflag(FLT_CONTROLLER);
	} else if (!pike_check_req()) {
		xlog("L_WARN", "flood from $si:$sp blocked\n");
		exit;
	}
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (!sanity_check("17895", "7")) {
		xlog("L_WARN", "malformed request from $si:$sp dropped\n");
		exit;
	}
	if (is_method("OPTIONS") && uri == myself && $rU == $null) {
		sl_send_reply("200", "Keepalive");
		exit;
	}
}

# Relays a CANCEL to the branches of its INVITE transaction, and tells the
# service (a call waiting in line has no branch that would report it).
route[CANCEL] {
	if (!is_method("CANCEL")) return;
	if (t_check_trans()) {
		# src_ip/src_port: the service honours a CANCEL only from where the INVITE came.
		evapi_relay("{\"event\":\"cancelled\",\"callid\":\"$(ci{s.escape.common})\",\"src_ip\":\"$si\",\"src_port\":$sp,\"ts\":$TV(Sn)}");
		route(RELAY);
	}
	exit;
}

# ACK, BYE and re-INVITEs follow the Record-Route set of their dialog.
route[WITHINDLG] {
	if (!has_totag()) return;
	# The click-to-call controller (dlg_bridge) keeps no dialog of its own: the
	# phone's NOTIFYs about the transfer, and its BYE, end here.
	if ($rU == "click-to-call" && uri == myself) {
		sl_send_reply("200", "OK");
		exit;
	}
	if (!loose_route()) {
		if (is_method("ACK") && t_check_trans()) {
			route(RELAY);
		} else if (!is_method("ACK")) {
			sl_send_reply("404", "Not here");
		}
		exit;
	}
	if (is_method("BYE")) {
		rtpengine_delete();
	} else if (is_method("INVITE|UPDATE|ACK") && has_body("application/sdp")) {
		route(MEDIA);
	}
	route(RELAY);
	exit;
}

# Absorbs retransmissions; an ACK for a negative reply ends here too.
route[RETRANS] {
	if (is_method("ACK")) return;
	if (t_precheck_trans()) {
		t_check_trans();
		exit;
	}
	t_check_trans();
}

# Trunk peers are trusted by address; everyone else proves who they are.
route[AUTH] {
	if (isflagset(FLT_TRUNK) && is_method("INVITE")) return;
	if (isflagset(FLT_CONTROLLER) && is_method("INVITE")) return;
	if (!is_method("REGISTER|INVITE")) {
		sl_send_reply("405", "Method Not Allowed");
		exit;
	}
	if (is_method("REGISTER")) {
		$var(user) = $tU;
	} else {
		$var(user) = $fU;
	}
	if (!is_present_hf("Authorization") && !is_present_hf("Proxy-Authorization")) {
		route(CHALLENGE);
	}
	$var(ha1) = $sht(credentials=>$var(user));
	if ($var(ha1) == $null) $var(ha1) = "unknown-user";
	pv_auth_check(REALM, "$var(ha1)", "1", "1");
	$var(rc) = $rc;
	if ($var(rc) == -4 || $var(rc) == -5 || $var(rc) == -6) {
		# stale or missing nonce: ask again rather than refuse
		route(CHALLENGE);
	}
	if ($var(rc) < 0) {
		xlog("L_NOTICE", "auth failed for '$var(user)' from $si:$sp (code $var(rc))\n");
		sl_send_reply("403", "Forbidden");
		exit;
	}
	consume_credentials();
	setflag(FLT_PHONE);
}

route[CHALLENGE] {
	if (is_method("REGISTER")) {
		www_challenge(REALM, "1");
	} else {
		proxy_challenge(REALM, "1");
	}
	exit;
}

# Saves the binding and tells the service who is reachable where.
route[REGISTRAR] {
	if (!is_method("REGISTER")) return;
	if (!save("location")) {
		sl_reply_error();
		exit;
	}
	reg_fetch_contacts("location", "$tu", "reg");
	if ($ulc(reg=>count) > 0) {
		evapi_relay("{\"event\":\"registered\",\"user\":\"$(tU{s.escape.common})\",\"contact\":\"$(ulc(reg=>addr){s.escape.common})\",\"source\":\"sip:$si:$sp\",\"expires\":$ulc(reg=>expires),\"ts\":$TV(Sn)}");
	} else {
		evapi_relay("{\"event\":\"unregistered\",\"user\":\"$(tU{s.escape.common})\",\"ts\":$TV(Sn)}");
	}
	exit;
}

# Suspends the new call and asks the service where it goes; the answer
# arrives in event_route[evapi:message-received] and resumes in route[RESUME].
route[ASK_SERVICE] {
	if (!is_method("INVITE")) return;
	if (!pl_check("new-calls", "TAILDROP", MAX_CALLS_PER_SECOND)) {
		pl_drop("1");
		exit;
	}
	if ($shv(evapi_clients) <= 0) {
		xlog("L_ERR", "no routing service connected: refusing the call\n");
		sl_send_reply("503", "Service Unavailable");
		exit;
	}
	record_route();
	t_newtran();
	dlg_manage();
	t_set_fr(ROUTING_WAIT_MS, ROUTING_WAIT_MS);
	if (isflagset(FLT_TRUNK)) {
		$var(source) = "trunk";
	} else if (isflagset(FLT_CONTROLLER)) {
		$var(source) = "controller";
	} else {
		$var(source) = "phone";
	}
	evapi_async_relay("{\"event\":\"route\",\"tindex\":$T(id_index),\"tlabel\":$T(id_label),\"callid\":\"$(ci{s.escape.common})\",\"source\":\"$var(source)\",\"from_user\":\"$(fU{s.escape.common})\",\"from_uri\":\"$(fu{s.escape.common})\",\"to_user\":\"$(tU{s.escape.common})\",\"ruri_user\":\"$(rU{s.escape.common})\",\"src_ip\":\"$si\",\"src_port\":$sp,\"ts\":$TV(Sn)}");
	exit;
}

# Resumed transaction (runs as a failure route): apply the service's decision.
route[RESUME] {
	jansson_get("action", "$var(answer)", "$var(action)");
	if ($var(action) == "wait") {
		# Everyone is busy: ringback, and stay suspended (holding no worker)
		# until the service resumes the call with a manager or a final answer.
		t_reply("180", "Ringing");
		t_set_fr(ROUTING_WAIT_MS, ROUTING_WAIT_MS);
		t_suspend();
		exit;
	}
	if ($var(action) != "route") {
		jansson_get("code", "$var(answer)", "$var(code)");
		jansson_get("reason", "$var(answer)", "$var(reason)");
		jansson_get("media", "$var(answer)", "$var(media)");
		if ($var(media) == "yes") rtpengine_delete();
		t_reply("$var(code)", "$var(reason)");
		exit;
	}
	jansson_get("routes", "$var(answer)", "$var(routes)");
	if (!rtjson_init_routes("$var(routes)")) {
		t_reply("500", "Bad Route Document");
		exit;
	}
	rtjson_push_routes();
	route(RELAY);
}

# The single exit for requests that leave Kamailio statefully.
route[RELAY] {
	if (is_method("INVITE")) {
		t_on_branch("BRANCH");
		t_on_reply("REPLY");
		t_on_failure("FAILOVER");
	}
	if (!t_relay()) {
		sl_reply_error();
	}
	exit;
}

# Per branch: the route's own ring timer, headers, and media anchoring.
branch_route[BRANCH] {
	rtjson_update_branch();
	if (has_body("application/sdp")) route(MEDIA);
}

onreply_route[REPLY] {
	if (!has_body("application/sdp")) return;
	if (status =~ "^2") {
		route(MEDIA_RECORDED);
	} else {
		route(MEDIA);
	}
}

# rtpengine anchors the media of every call.
route[MEDIA] {
	rtpengine_manage("replace-origin replace-session-connection ICE=remove");
}

# ... and records it from the answer on: opening the recording files at the
# offer would add about 2 ms to every call's post-dial delay.
route[MEDIA_RECORDED] {
	rtpengine_manage("replace-origin replace-session-connection ICE=remove record-call=yes");
}

# The ringing branches failed (busy, no answer, unreachable): suspend again and
# ask the service what comes next: another manager, the line, or a final
# answer. A caller's cancel needs no answer, only the report.
failure_route[FAILOVER] {
	if (t_is_canceled()) {
		evapi_relay("{\"event\":\"branch_failed\",\"callid\":\"$(ci{s.escape.common})\",\"code\":$T_reply_code,\"canceled\":1,\"ts\":$TV(Sn)}");
		rtpengine_delete();
		exit;
	}
	# evapi_async_relay() is for request routes only: suspend with tmx, then report.
	t_set_fr(ROUTING_WAIT_MS, ROUTING_WAIT_MS);
	if (!t_suspend()) {
		t_reply("500", "Cannot Suspend");
		exit;
	}
	evapi_relay("{\"event\":\"branch_failed\",\"tindex\":$T(id_index),\"tlabel\":$T(id_label),\"callid\":\"$(ci{s.escape.common})\",\"code\":$T_reply_code,\"canceled\":0,\"ts\":$TV(Sn)}");
	exit;
}

# Click-to-call (asked by the service): call the manager's phone (the INVITE
# comes back here and is routed like any call), then REFER it to the client:
# the phone places that call itself, so it is an ordinary, recorded outbound call.
route[CLICK_TO_CALL] {
	if (!dlg_bridge("$var(from)", "$var(to)", SELF_URI)) {
		xlog("L_ERR", "click-to-call from $var(from) to $var(to) could not start\n");
	}
}

####### Events #########

event_route[htable:mod-init] {
	$shv(evapi_clients) = 0;
{{TRUNK_ENTRIES}}
}

event_route[evapi:connection-new] {
	$shv(evapi_clients) = $shv(evapi_clients) + 1;
	xlog("L_INFO", "routing service connected from $evapi(srcaddr):$evapi(srcport)\n");
}

event_route[evapi:connection-closed] {
	$shv(evapi_clients) = $shv(evapi_clients) - 1;
	xlog("L_WARN", "routing service disconnected from $evapi(srcaddr):$evapi(srcport)\n");
}

# Messages from the service: routing answers and credentials ("ack" frames
# only make the TCP stack acknowledge at once; see EvapiClient).
event_route[evapi:message-received] {
	# $var() outlives one message in this process: never act on a stale value.
	$var(type) = "";
	jansson_get("type", "$evapi(msg)", "$var(type)");
	if ($var(type) == "decision") {
		$var(answer) = $evapi(msg);
		jansson_get("tindex", "$evapi(msg)", "$var(tindex)");
		jansson_get("tlabel", "$evapi(msg)", "$var(tlabel)");
		t_continue("$var(tindex)", "$var(tlabel)", "RESUME");
	} else if ($var(type) == "bridge") {
		jansson_get("from", "$evapi(msg)", "$var(from)");
		jansson_get("to", "$evapi(msg)", "$var(to)");
		route(CLICK_TO_CALL);
	} else if ($var(type) == "credential") {
		jansson_get("user", "$evapi(msg)", "$var(user)");
		jansson_get("ha1", "$evapi(msg)", "$var(ha1)");
		if ($var(ha1) == "") {
			$sht(credentials=>$var(user)) = $null;
		} else {
			$sht(credentials=>$var(user)) = $var(ha1);
		}
	}
}

# Runs on the 200 OK: its source tells which phone of a ring-all answered.
event_route[dialog:start] {
	evapi_relay("{\"event\":\"answered\",\"callid\":\"$(dlg(callid){s.escape.common})\",\"src\":\"sip:$si:$sp\",\"ts\":$TV(Sn)}");
}

event_route[dialog:end] {
	evapi_relay("{\"event\":\"ended\",\"callid\":\"$(dlg(callid){s.escape.common})\",\"ts\":$TV(Sn)}");
}

event_route[usrloc:contact-expired] {
	evapi_relay("{\"event\":\"unregistered\",\"user\":\"$(ulc(exp=>aor){s.escape.common})\",\"ts\":$TV(Sn)}");
}
