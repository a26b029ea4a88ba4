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
# The service's first answer to a route request must come within this; then the
# caller gets 503 (a request the service could not read never hangs the caller).
#!trydef FIRST_DECISION_MS {{FIRST_DECISION_MS}}
# Failed digest attempts per address or per user before a ban (sipSecurity).
#!trydef MAX_AUTH_FAILURES {{MAX_AUTH_FAILURES}}
#!trydef FLOOD_DENSITY 64
#!trydef MAX_ID_LENGTH 1024
# New calls per second this node is rated for; the excess gets a fast 503
# instead of piling up into timeouts for everyone.
#!trydef MAX_CALLS_PER_SECOND {{MAX_CALLS_PER_SECOND}}
# Codec policy (docs/codecs.md), as rtpengine flags on a call's first offer. Toward a
# trunk: only G.711 (and DTMF events) is offered; whatever else the phone offered stays
# accepted on its side and rtpengine transcodes (codec-mask). From a trunk to a phone:
# the trunk's leg keeps only G.711, and Opus and G.722 are offered after it, so a phone
# that has G.711 answers with it (no transcoding) and one that has only Opus or G.722 can
# still answer. Phone to phone: G.711 is added after the caller's codecs (rtpengine leaves
# it out when already offered), so an Opus-only phone can reach a G.711-only one.
# The recording decodes whatever each side sent (G.711, Opus, G.722, GSM, G.729).
#!trydef CODECS_TO_TRUNK "codec-mask-all codec-except-PCMA codec-except-PCMU codec-except-telephone-event codec-transcode-PCMA codec-transcode-PCMU"
#!trydef CODECS_FROM_TRUNK "codec-strip-all codec-except-PCMA codec-except-PCMU codec-except-telephone-event codec-transcode-opus codec-transcode-G722"
#!trydef CODECS_PHONE_TO_PHONE "codec-transcode-PCMA codec-transcode-PCMU"

#!define FLT_TRUNK 1
#!define FLT_PHONE 2
# Requests Kamailio sends itself: the first leg of a click-to-call (dlg_bridge).
#!define FLT_CONTROLLER 3
# A request from behind NAT (nathelper's tests); its registration is kept alive by pings.
#!define FLT_NATS 5
#!define FLB_NATB 6
#!define FLB_NATSIPPING 7
# Phones behind NAT get an OPTIONS this often, so their NAT keeps the binding open.
#!trydef NAT_KEEPALIVE_S {{NAT_KEEPALIVE_S}}
#!define SELF_URI "sip:{{SIP_LISTEN}}:{{SIP_PORT}}"
# A request that came over WebSocket (the browser phone).
#!define FLT_WS 4
# A request that came over TLS (a phone on sip.tls): its media is SRTP.
#!define FLT_TLS 8

# The browser phone (webphone.enabled): SIP over WebSocket on its own port, with
# short-lived credentials the service derives (auth_ephemeral), never SIP passwords.
{{WEBPHONE_SWITCH}}
# Phones over TCP on the SIP port (sip.tcp) and over TLS on their own (sip.tls);
# WITH_TCP when anything listens on TCP at all (these or the WebSocket).
{{TRANSPORT_SWITCHES}}

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
# Processes that resume requests put to sleep with async_ms_route (see WITHINDLG).
async_workers=1
auto_aliases=no
listen=udp:{{SIP_LISTEN}}:{{SIP_PORT}}{{SIP_ADVERTISE}}
#!ifdef WITH_SIP_TCP
listen=tcp:{{SIP_LISTEN}}:{{SIP_PORT}}{{SIP_ADVERTISE}}
#!endif
#!ifdef WITH_TLS
enable_tls=yes
listen=tls:{{SIP_LISTEN}}:{{TLS_PORT}}{{TLS_ADVERTISE}}
#!endif
#!ifdef WITH_WEBPHONE
# The WebSocket port (the handshake is HTTP, then SIP over WebSocket): no plain SIP here.
listen=tcp:{{WS_LISTEN}}:{{WS_PORT}}
#!endif
#!ifdef WITH_TCP
disable_tcp=no
# A phone or browser keeps its connection and re-registers within the hour
# (registrar max_expires); the websocket module pings browsers in between.
tcp_connection_lifetime=3605
#!else
# SIP over UDP only; evapi has its own sockets.
disable_tcp=yes
#!endif
# The alias must carry the port: a bare IP makes phones on other loopback ports
# look local and breaks loose_route().
alias="{{SIP_LISTEN}}:{{SIP_PORT}}"
alias="{{SIP_PUBLIC}}:{{SIP_PORT}}"
#!ifdef WITH_TLS
alias="{{SIP_LISTEN}}:{{TLS_PORT}}"
alias="{{SIP_PUBLIC}}:{{TLS_PORT}}"
#!endif
server_header="Server: Leadline"
user_agent_header="User-Agent: Leadline"
tcp_accept_no_cl=yes
dns=no
rev_dns=no
use_dns_cache=no

####### Modules #########
# No mpath: Kamailio looks in the module directory it was built with (Debian: the
# multiarch path of the machine, x86_64 or aarch64).
#!ifdef WITH_TLS
# First: it sets up OpenSSL for every process before any other module (db_postgres's
# libpq) touches it, as the tls module's documentation requires.
loadmodule "tls.so"
#!endif
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
# Phones behind NAT: Contact and registration fixed to the source address, keepalive pings.
loadmodule "nathelper.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "auth.so"
loadmodule "htable.so"
loadmodule "pike.so"
loadmodule "pipelimit.so"
# Dialogs persisted in the service's PostgreSQL database (DIALOG_DB below).
loadmodule "db_postgres.so"
loadmodule "dialog.so"
loadmodule "rtpengine.so"
loadmodule "evapi.so"
loadmodule "jansson.so"
loadmodule "rtjson.so"
loadmodule "cfgutils.so"
loadmodule "async.so"
# rtjson rewrites From (the company caller ID on outbound calls) through uac.
loadmodule "uac.so"
# Registering trunks: uac_reg reads its accounts from a db_text table the service
# writes into the run directory; rtimer reports their state to the service.
loadmodule "db_text.so"
loadmodule "rtimer.so"
# Per-module log levels: evapi logs every message it receives at NOTICE.
loadmodule "debugger.so"
loadmodule "statistics.so"
# RPC run on the service's request over evapi (jsonrpc_exec): dialogs and
# registrations it reconciles after it was away. No FIFO, socket or HTTP transport.
loadmodule "jsonrpcs.so"
#!ifdef WITH_WEBPHONE
loadmodule "xhttp.so"
loadmodule "websocket.so"
# Contact aliases (nathelper, loaded above for phones behind NAT): in-dialog requests
# find the browser's WebSocket connection.
loadmodule "auth_ephemeral.so"
#!endif

#!ifdef WITH_TLS
# Certificate and key from sip.tls, or the self-signed pair the service made in its run
# directory. Phones show no certificate of their own: they prove who they are with
# digest, as over UDP.
modparam("tls", "certificate", "{{TLS_CERTIFICATE}}")
modparam("tls", "private_key", "{{TLS_PRIVATE_KEY}}")
modparam("tls", "tls_method", "TLSv1.2+")
modparam("tls", "verify_certificate", 0)
modparam("tls", "require_certificate", 0)
# A TLS connection that stays silent after it was opened (no handshake, a scan) is
# closed after 10 s instead of tcp_connection_lifetime.
modparam("tls", "connection_timeout", 10)
#!endif

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
modparam("uac", "reg_db_url", "text://{{TRUNK_REG_DB}}")
modparam("uac", "reg_contact_addr", "{{SIP_PUBLIC}}:{{SIP_PORT}}")
modparam("uac", "reg_timer_interval", 5)
modparam("uac", "reg_retry_interval", 10)
modparam("uac", "reg_keep_callid", 1)
# uac_reg_request_to() fills these from a trunk's account for uac_auth().
modparam("uac", "auth_username_avp", "$avp(trunk_auth_user)")
modparam("uac", "auth_password_avp", "$avp(trunk_auth_pass)")
modparam("uac", "auth_realm_avp", "$avp(trunk_auth_realm)")
modparam("rtimer", "timer", "name=trunk_status;interval=5;mode=1;")
modparam("rtimer", "exec", "timer=trunk_status;route=TRUNK_STATUS")
modparam("nathelper", "received_avp", "$avp(nat_received)")
modparam("registrar", "received_avp", "$avp(nat_received)")
modparam("usrloc", "nat_bflag", FLB_NATB)
modparam("nathelper", "natping_interval", NAT_KEEPALIVE_S)
modparam("nathelper", "ping_nated_only", 1)
modparam("nathelper", "sipping_bflag", FLB_NATSIPPING)
modparam("nathelper", "sipping_from", "sip:keepalive@{{SIP_DOMAIN}}")
modparam("registrar", "max_expires", 3600)
modparam("registrar", "min_expires", 30)
modparam("usrloc", "timer_interval", 10)
modparam("auth", "nonce_expire", 300)
modparam("auth", "secret", "{{AUTH_SECRET}}")
# A nonce answers one request only: a captured or guessed one cannot be replayed.
modparam("auth", "one_time_nonce", 1)
# HA1 hashes pushed by the service when it connects; never plaintext passwords.
modparam("htable", "htable", "credentials=>size=8;autoexpire=0;")
modparam("htable", "htable", "trunks=>size=4;autoexpire=0;")
# Registering trunks, by the Contact user registered for them: name, number, provider
# address; and by provider domain, the Contact user (to answer its digest challenges).
modparam("htable", "htable", "reg_trunks=>size=4;autoexpire=0;")
modparam("htable", "htable", "reg_trunk_domains=>size=4;autoexpire=0;")
# ... and by trunk name (the service names a route's trunk in its next hop).
modparam("htable", "htable", "reg_trunk_names=>size=4;autoexpire=0;")
# Per trunk name: its calls-per-second and concurrent-call limits.
modparam("htable", "htable", "trunk_limits=>size=4;autoexpire=0;")
# Failed digest attempts per "ip:ADDR" and "user:NAME"; an entry lapses after the
# window passes without a new failure.
modparam("htable", "htable", "auth_failures=>size=10;autoexpire={{AUTH_FAILURE_WINDOW_S}};")
modparam("htable", "htable", "bans=>size=8;autoexpire={{BAN_S}};")
# evapi connections (by $evapi(conidx)) that proved they know the channel secret.
modparam("htable", "htable", "evapi_peers=>size=4;autoexpire=0;")
modparam("statistics", "variable", "sip_security_bans")
modparam("pike", "sampling_time_unit", 2)
modparam("pike", "reqs_density_per_unit", FLOOD_DENSITY)
modparam("pike", "remove_latency", 4)
modparam("pipelimit", "timer_interval", 1)
modparam("pipelimit", "reply_code", 503)
modparam("pipelimit", "reply_reason", "Overloaded")
modparam("dialog", "enable_stats", 1)
modparam("dialog", "default_timeout", 14400)
# DIALOG_DB: a restarted Kamailio loads the dialogs (and their $dlg_var: the parties
# the in-dialog check compares with) from the database, so a call talking across the
# restart still gets its BYE relayed. Delayed mode: a timer process writes new and
# changed dialogs every second, never a SIP worker, so a slow or stopped database
# never holds a call; a dialog confirmed less than a second before Kamailio dies is
# not stored and ends as before (481, closed from its media). Credentials are in the
# rendered file, which is private (0600).
modparam("dialog", "db_url", "{{DIALOG_DB_URL}}")
modparam("dialog", "db_mode", 2)
modparam("dialog", "db_update_period", 1)
# Concurrent calls per trunk (the value is its name).
modparam("dialog", "profiles_with_value", "trunk_calls")
# Click-to-call: the manager's phone sees this caller, then is REFERred to the client.
modparam("dialog", "bridge_controller", "sip:click-to-call@{{SIP_DOMAIN}}")
modparam("dialog", "bridge_contact", "sip:click-to-call@{{SIP_LISTEN}}:{{SIP_PORT}}")
modparam("async", "workers", 1)
modparam("async", "ms_timer", 10)
modparam("rtpengine", "rtpengine_sock", RTPENGINE_SOCK)
modparam("rtpengine", "rtpengine_tout_ms", 1000)
modparam("evapi", "bind_addr", EVAPI_ADDR)
modparam("evapi", "workers", {{EVAPI_WORKERS}})
modparam("evapi", "netstring_format", 1)
modparam("debugger", "mod_hash_size", 4)
modparam("debugger", "mod_level_mode", 1)
modparam("debugger", "mod_level", "evapi=0")
modparam("jsonrpcs", "transport", 2)
modparam("jsonrpcs", "fifo_name", "")
modparam("jsonrpcs", "pretty_format", 0)
#!ifdef WITH_WEBPHONE
# Shared with the service, which signs "<expiry>:<extension>" with it (HMAC-SHA1).
modparam("auth_ephemeral", "secret", "{{WEBPHONE_SECRET}}")
modparam("auth_ephemeral", "username_format", 1)
# Pages allowed to open the WebSocket (their Origin header).
modparam("htable", "htable", "ws_origins=>size=4;autoexpire=0;")
modparam("websocket", "keepalive_mechanism", 1)
modparam("websocket", "keepalive_interval", 30)
#!endif

####### Routing logic #########

# Table of contents for every request.
request_route {
	# sanity, loops, flood, banned addresses
	route(REQINIT);
	# senders behind NAT: answer and reach them where they really are
	route(NATDETECT);
	# CANCEL of a pending INVITE
	route(CANCEL);
	# requests inside a dialog this proxy tracks; anything else with a To-tag: 481
	route(WITHINDLG);
	# retransmissions of a transaction already handled
	route(RETRANS);
	# trunk address list, or digest auth for phones
	route(AUTH);
	# phones registering
	route(REGISTRAR);
	# a trunk's own rate and concurrent-call limits
	route(TRUNK_LIMITS);
	# a new call: ask the service where it goes
	route(ASK_SERVICE);
}

# A call on a trunk's registration: sent to the Contact user registered for it, and
# from the provider's address when one is configured. The dialled number is the To
# user when it is one, else the trunk's own number.
route[REGISTERED_TRUNK_CALL] {
	$var(reg) = $rU;
	if ($sht(reg_trunks=>$var(reg)::address) != $null && $sht(reg_trunks=>$var(reg)::address) != $si) {
		xlog("L_WARN", "INVITE for trunk registration $sht(reg_trunks=>$var(reg)::name) from $si, not the provider's address: not trusted\n");
		return -1;
	}
	$var(trunk) = $sht(reg_trunks=>$var(reg)::name);
	if ($tU =~ "^\+?[0-9]{2,20}$") {
		$rU = $tU;
	} else {
		$rU = $sht(reg_trunks=>$var(reg)::number);
	}
	return 1;
}

# Drops malformed and flooding requests before any work is spent on them.
route[REQINIT] {
	# $var() outlives one message in this process: never act on a stale trunk.
	$var(trunk) = "";
	if ($proto == "tls") setflag(FLT_TLS);
	if ($sht(trunks=>$si) != $null) {
		setflag(FLT_TRUNK);
		$var(trunk) = $sht(trunks=>$si);
	} else if (is_method("INVITE") && $rU != $null && $sht(reg_trunks=>$rU::name) != $null && route(REGISTERED_TRUNK_CALL)) {
		setflag(FLT_TRUNK);
	} else if ($si == "{{SIP_LISTEN}}" && $sp == {{SIP_PORT}} && $proto == "udp") {
		# Only UDP: a local TCP client could bind the same port number.
		setflag(FLT_CONTROLLER);
	} else if ($sht(bans=>ip:$si) != $null) {
		# A banned guesser gets silence, like a flooder: nothing to learn, nothing spent.
		exit;
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
	route(WS_REQUEST);
}

# A sender behind NAT names a private address in its Contact or Via, or a Via port
# that is not where it sent from: replies go back to the source (rport), and its
# Contact (or registration) is rewritten to the source, so requests inside the dialog,
# calls to its registration and keepalive pings cross its NAT.
route[NATDETECT] {
	# A browser (WebSocket) names .invalid addresses by design: the webphone routes handle it.
	if (isflagset(FLT_WS)) return;
	force_rport();
	if (!nat_uac_test("19")) return;
	setflag(FLT_NATS);
	if (is_method("REGISTER")) {
		fix_nated_register();
	} else if (is_method("INVITE|UPDATE|REFER|SUBSCRIBE|NOTIFY")) {
		fix_nated_contact();
	}
}

# Relays a CANCEL to the branches of its INVITE transaction, and tells the
# service (a call waiting in line has no branch that would report it).
route[CANCEL] {
	if (!is_method("CANCEL")) return;
	if (t_check_trans()) {
		# src_ip/src_port: the service honours a CANCEL only from where the INVITE came.
		$var(ev) = "{}";
		$var(jk) = "event"; $var(jv) = "cancelled"; route(JSON_STR);
		$var(jk) = "callid"; $var(jv) = $ci; route(JSON_STR);
		$var(jk) = "src_ip"; $var(jv) = $si; route(JSON_STR);
		jansson_set("integer", "src_port", "$sp", "$var(ev)");
		route(SEND_EVENT);
		route(RELAY);
	}
	exit;
}

# In-dialog requests follow the Record-Route set of a dialog the dialog module
# tracks, and only its own parties may send them: a To-tag and a Route naming
# this proxy are not enough (that made an open relay).
route[WITHINDLG] {
	if (!has_totag()) return;
	# The click-to-call controller (dlg_bridge) keeps no dialog of its own: the
	# phone's NOTIFYs about the transfer, and its BYE, end here.
	if ($rU == "click-to-call" && uri == myself) {
		sl_send_reply("200", "OK");
		exit;
	}
	# dlg_bridge sends its ACK and its REFER back to back, and two workers can relay
	# them out of order; a phone that gets the REFER first refuses it (JsSIP: 403
	# Wrong Status). The REFER waits a moment, suspended (no worker held).
	if (isflagset(FLT_CONTROLLER) && is_method("REFER")) {
		async_ms_route("WITHINDLG_RELAY", "200");
		exit;
	}
	route(WITHINDLG_RELAY);
}

# The rest of WITHINDLG (also where a delayed REFER resumes, in another process).
route[WITHINDLG_RELAY] {
	if ($si == "{{SIP_LISTEN}}" && $sp == {{SIP_PORT}} && $proto == "udp") setflag(FLT_CONTROLLER);
	if (!is_known_dlg()) {
		# An ACK for a negative final answer belongs to its INVITE transaction.
		if (is_method("ACK")) {
			if (t_check_trans()) route(RELAY);
			exit;
		}
		sl_send_reply("481", "Call/Transaction Does Not Exist");
		exit;
	}
	if ($si != $dlg_var(caller_ip) && $si != $dlg_var(callee_ip) && !isflagset(FLT_CONTROLLER)) {
		xlog("L_WARN", "in-dialog $rm from $si:$sp, not a party of the dialog: refused\n");
		if (!is_method("ACK")) sl_send_reply("481", "Call/Transaction Does Not Exist");
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
	route(WS_RURI_ALIAS);
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
# Known and unknown users get the same answers, and a guesser is banned.
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
	if ($sht(bans=>user:$var(user)) != $null) {
		sl_send_reply("403", "Forbidden");
		exit;
	}
	if (!is_present_hf("Authorization") && !is_present_hf("Proxy-Authorization")) {
		route(CHALLENGE);
	}
	# The browser phone proves itself with short-lived credentials only.
	if (isflagset(FLT_WS)) {
		route(AUTH_WS);
		return;
	}
	$var(ha1) = $sht(credentials=>$var(user));
	if ($var(ha1) == $null) $var(ha1) = "unknown-user";
	pv_auth_check(REALM, "$var(ha1)", "1", "1");
	$var(rc) = $rc;
	if ($var(rc) == -4 || $var(rc) == -5 || $var(rc) == -6) {
		# stale, missing or already used nonce: ask again rather than refuse
		route(CHALLENGE);
	}
	if ($var(rc) < 0) {
		xlog("L_NOTICE", "auth failed for '$var(user)' from $si:$sp (code $var(rc))\n");
		route(COUNT_AUTH_FAILURE);
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

# Counts a failed digest attempt against its address and its user name; either
# reaching MAX_AUTH_FAILURES within the window is banned for the ban time.
route[COUNT_AUTH_FAILURE] {
	# $shtinc does not create a missing item.
	if ($sht(auth_failures=>ip:$si) == $null) $sht(auth_failures=>ip:$si) = 0;
	if ($sht(auth_failures=>user:$var(user)) == $null) $sht(auth_failures=>user:$var(user)) = 0;
	$var(by_ip) = $shtinc(auth_failures=>ip:$si);
	$var(by_user) = $shtinc(auth_failures=>user:$var(user));
	if ($var(by_ip) >= MAX_AUTH_FAILURES && $sht(bans=>ip:$si) == $null) {
		$sht(bans=>ip:$si) = 1;
		update_stat("sip_security_bans", "+1");
		xlog("L_WARN", "sip security: address $si banned after $var(by_ip) failed digest attempts\n");
	}
	if ($var(by_user) >= MAX_AUTH_FAILURES && $sht(bans=>user:$var(user)) == $null) {
		$sht(bans=>user:$var(user)) = 1;
		update_stat("sip_security_bans", "+1");
		xlog("L_WARN", "sip security: user '$var(user)' banned after $var(by_user) failed digest attempts (last from $si)\n");
	}
}

# Saves the binding and tells the service who is reachable where.
route[REGISTRAR] {
	if (!is_method("REGISTER")) return;
	if (isflagset(FLT_NATS)) {
		# nathelper pings this contact (OPTIONS) at its received address.
		setbflag(FLB_NATB);
		setbflag(FLB_NATSIPPING);
	}
	# A browser takes its extension over (0x04: its binding replaces the others), so a
	# reloaded page never leaves calls ringing a closed WebSocket.
	if (isflagset(FLT_WS)) {
		$var(saved) = save("location", "0x04");
	} else {
		$var(saved) = save("location");
	}
	if ($var(saved) < 0) {
		sl_reply_error();
		exit;
	}
	reg_fetch_contacts("location", "$tu", "reg");
	$var(ev) = "{}";
	$var(jk) = "user"; $var(jv) = $tU; route(JSON_STR);
	if ($ulc(reg=>count) > 0) {
		$var(jk) = "event"; $var(jv) = "registered"; route(JSON_STR);
		$var(jk) = "contact"; $var(jv) = $ulc(reg=>addr); route(JSON_STR);
		$var(jk) = "source"; $var(jv) = "sip:" + $si + ":" + $sp; route(SOURCE_TRANSPORT); route(JSON_STR);
		jansson_set("integer", "expires", "$ulc(reg=>expires)", "$var(ev)");
		$var(jk) = "regcallid"; $var(jv) = $ulc(reg=>callid); route(JSON_STR);
	} else {
		$var(jk) = "event"; $var(jv) = "unregistered"; route(JSON_STR);
	}
	route(SEND_EVENT);
	exit;
}

# Calls from a trunk stay within its own rate and concurrent-call limits (keyed
# by its name, which the schema checked).
route[TRUNK_LIMITS] {
	if (!is_method("INVITE") || !isflagset(FLT_TRUNK)) return;
	$var(cps) = $sht(trunk_limits=>$var(trunk)::cps);
	$var(max_calls) = $sht(trunk_limits=>$var(trunk)::calls);
	if (!pl_check("trunk-$var(trunk)", "TAILDROP", "$var(cps)")) {
		xlog("L_WARN", "trunk $var(trunk): more than $var(cps) calls/s, refused\n");
		append_to_reply("Retry-After: 1\r\n");
		sl_send_reply("503", "Trunk Rate Limit");
		exit;
	}
	get_profile_size("trunk_calls", "$var(trunk)", "$var(calls)");
	if ($var(calls) >= $var(max_calls)) {
		xlog("L_WARN", "trunk $var(trunk): $var(calls) calls in progress, its limit: refused\n");
		sl_send_reply("486", "Trunk Busy");
		exit;
	}
}

# Suspends the new call and asks the service where it goes; the answer
# arrives in event_route[evapi:message-received] and resumes in route[RESUME].
route[ASK_SERVICE] {
	if (!is_method("INVITE")) return;
	if (!pl_check("new-calls", "TAILDROP", MAX_CALLS_PER_SECOND)) {
		pl_drop("1");
		exit;
	}
	# Identifiers no real call needs: refused here rather than carried to the service
	# (Kamailio's string buffers for script values are 8 KiB).
	if ($(ci{s.len}) > MAX_ID_LENGTH || $(fu{s.len}) > MAX_ID_LENGTH || $(tu{s.len}) > MAX_ID_LENGTH || $(ru{s.len}) > MAX_ID_LENGTH) {
		xlog("L_WARN", "INVITE from $si:$sp with an overlong Call-ID, From, To or R-URI: refused\n");
		sl_send_reply("400", "Header Too Long");
		exit;
	}
	if ($shv(evapi_clients) <= 0) {
		xlog("L_ERR", "no routing service connected: refusing the call\n");
		sl_send_reply("503", "Service Unavailable");
		exit;
	}
	# Auto-answer hints are the service's to give (click-to-call): never a caller's.
	if (!isflagset(FLT_CONTROLLER)) {
		remove_hf("Call-Info");
		remove_hf("Alert-Info");
	}
	record_route();
	t_newtran();
	dlg_manage();
	# The parties of the dialog: only they may send requests inside it.
	$dlg_var(caller_ip) = $si;
	if (isflagset(FLT_TRUNK)) {
		set_dlg_profile("trunk_calls", "$var(trunk)");
		$var(source) = "trunk";
	} else if (isflagset(FLT_CONTROLLER)) {
		$var(source) = "controller";
	} else {
		$var(source) = "phone";
	}
	# Kept with the dialog: a service that died before answering this request
	# finds it at its restart (dlg.list_match) and routes it then.
	$dlg_var(tindex) = $T(id_index);
	$dlg_var(tlabel) = $T(id_label);
	$dlg_var(source) = $var(source);
	$dlg_var(from_user) = $fU;
	$dlg_var(ruri_user) = $rU;
	# Short: only the first answer; a call the service keeps waiting gets the long timer.
	t_set_fr(FIRST_DECISION_MS, FIRST_DECISION_MS);
	t_on_failure("NO_DECISION");
	$var(ev) = "{}";
	$var(jk) = "event"; $var(jv) = "route"; route(JSON_STR);
	jansson_set("integer", "tindex", "$T(id_index)", "$var(ev)");
	jansson_set("integer", "tlabel", "$T(id_label)", "$var(ev)");
	$var(jk) = "callid"; $var(jv) = $ci; route(JSON_STR);
	$var(jk) = "source"; $var(jv) = $var(source); route(JSON_STR);
	$var(jk) = "from_user"; $var(jv) = $fU; route(JSON_STR);
	$var(jk) = "from_uri"; $var(jv) = $fu; route(JSON_STR);
	$var(jk) = "to_user"; $var(jv) = $tU; route(JSON_STR);
	$var(jk) = "ruri_user"; $var(jv) = $rU; route(JSON_STR);
	$var(jk) = "src_ip"; $var(jv) = $si; route(JSON_STR);
	jansson_set("integer", "src_port", "$sp", "$var(ev)");
	# The caller's tag and offer: the service may play him announcements through rtpengine.
	$var(jk) = "from_tag"; $var(jv) = $ft; route(JSON_STR);
	if (has_body("application/sdp")) {
		$var(jk) = "sdp"; $var(jv) = $rb; route(JSON_STR);
	}
	if (isflagset(FLT_TRUNK)) {
		$var(jk) = "trunk"; $var(jv) = $var(trunk); route(JSON_STR);
	}
	jansson_set("real", "ts", "$TV(Sn)", "$var(ev)");
	evapi_async_multicast("$var(ev)", "leadline");
	exit;
}

# The service gave no first answer in time (it could not read the request, or it
# is stuck): the caller hears a clear refusal instead of silence.
failure_route[NO_DECISION] {
	if (t_is_canceled()) exit;
	xlog("L_ERR", "the routing service did not answer within FIRST_DECISION_MS ms: 503\n");
	append_to_reply("Retry-After: 5\r\n");
	t_reply("503", "No Routing Decision");
	exit;
}

# Resumed transaction (runs as a failure route): apply the service's decision.
route[RESUME] {
	jansson_get("action", "$var(answer)", "$var(action)");
	if ($var(action) == "early") {
		# Announcements before anyone answers: rtpengine's SDP in a 183, then wait
		# suspended like a call in line while the service plays them.
		jansson_get("sdp", "$var(answer)", "$var(sdp)");
		set_reply_body("$var(sdp)", "application/sdp");
		t_reply("183", "Session Progress");
		$var(action) = "wait";
		$var(ringback) = "no";
	} else {
		# $var() outlives one message in this process: reset before reading.
		$var(ringback) = "yes";
		jansson_get("ringback", "$var(answer)", "$var(ringback)");
	}
	if ($var(action) == "wait") {
		# Everyone is busy: ringback (or the service's music), and stay suspended
		# (holding no worker) until the service resumes the call with a manager or a final answer.
		if ($var(ringback) != "no") t_reply("180", "Ringing");
		t_on_failure("WAIT_EXPIRED");
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
	# A list of trunks: the service names the failure codes on which the next is tried.
	$var(failover) = "";
	jansson_get("failover", "$var(answer)", "$var(failover)");
	$avp(failover) = $null;
	$avp(out_trunk) = $null;
	if ($var(failover) != "") $avp(failover) = $var(failover);
	if (!rtjson_init_routes("$var(routes)")) {
		t_reply("500", "Bad Route Document");
		exit;
	}
	rtjson_push_routes();
	if (!route(TRUNK_FIRST)) exit;
	route(RELAY);
}

# The longest wait in line passed with no manager free.
failure_route[WAIT_EXPIRED] {
	if (t_is_canceled()) exit;
	t_reply("408", "Request Timeout");
	exit;
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
	route(TRUNK_BRANCH);
	if (has_body("application/sdp")) route(MEDIA);
}

onreply_route[REPLY] {
	route(WS_REPLY);
	# A phone behind NAT answering: the caller's ACK and BYE must reach its source. Over
	# TCP or TLS the source is the phone's connection, which they then reuse (its Contact
	# names a listening port that a phone behind NAT cannot be reached at).
	if (nat_uac_test("1") || $proto == "tcp" || $proto == "tls") fix_nated_contact();
	if (!has_body("application/sdp")) return;
	if (status =~ "^2") {
		route(MEDIA_RECORDED);
	} else {
		route(MEDIA);
	}
}

# rtpengine anchors the media of every call. An SDP naming a private address (a phone
# behind NAT): its media is sent where its signalling came from, not to that address.
route[MEDIA] {
	route(MEDIA_FLAGS);
	rtpengine_manage("$var(rtp_flags)");
}

# ... and records it from the answer on: opening the recording files at the
# offer would add about 2 ms to every call's post-dial delay.
route[MEDIA_RECORDED] {
	route(MEDIA_FLAGS);
	rtpengine_manage("$var(rtp_flags) record-call=yes");
}

# rtpengine's flags for the SDP in hand, by where it goes. Toward a browser: ICE,
# DTLS-SRTP and RTP/RTCP on one port, as WebRTC requires; toward a phone or trunk
# from a browser: plain RTP with RTCP split out again (the recording and the trunk
# see G.711 as from any phone). Toward a phone on TLS: SRTP with SDES keys (the TLS
# connection keeps them secret), whatever the other side sent; an SRTP offer toward
# anyone else (a trunk, a phone on UDP): plain RTP, so trunks never see SRTP and SDES
# keys never cross a plain connection. rtpengine records the decrypted RTP in both cases.
# Between phones and trunks on plain RTP: as before.
route[MEDIA_FLAGS] {
	$var(to_ws) = 0;
	$var(from_ws) = 0;
	$var(to_tls) = 0;
	if (is_request()) {
		if (isflagset(FLT_WS)) $var(from_ws) = 1;
		if ($du != $null) {
			$var(next) = $du;
		} else {
			$var(next) = $ru;
		}
		if ($var(next) =~ "transport=ws") $var(to_ws) = 1;
		if ($var(next) =~ "transport=[tT][lL][sS]" || $var(next) =~ "^sips:") $var(to_tls) = 1;
	} else {
		# A reply goes back to whoever sent the request.
		if (isflagset(FLT_WS)) $var(to_ws) = 1;
		if (isflagset(FLT_TLS)) $var(to_tls) = 1;
		if ($proto == "ws" || $proto == "wss") $var(from_ws) = 1;
	}
	$var(rtp_flags) = "replace-origin replace-session-connection";
	if ($var(to_ws) == 1) {
		$var(rtp_flags) = $var(rtp_flags) + " ICE=force transport-protocol=UDP/TLS/RTP/SAVPF rtcp-mux-offer rtcp-mux-require generate-mid SDES-off";
	} else if ($var(from_ws) == 1) {
		$var(rtp_flags) = $var(rtp_flags) + " ICE=remove transport-protocol=RTP/AVP rtcp-mux-demux";
	} else if ($var(to_tls) == 1) {
		$var(rtp_flags) = $var(rtp_flags) + " ICE=remove transport-protocol=RTP/SAVP DTLS=off";
	} else if ($rb =~ "RTP/SAVP") {
		$var(rtp_flags) = $var(rtp_flags) + " ICE=remove transport-protocol=RTP/AVP";
	} else {
		$var(rtp_flags) = $var(rtp_flags) + " ICE=remove";
	}
	# A phone behind NAT names a private address in its SDP: its media goes where its
	# signalling came from (rtpengine also follows where its RTP really comes from).
	if ($var(from_ws) == 0 && nat_uac_test("8")) $var(rtp_flags) = $var(rtp_flags) + " SIP-source-address";
	if (is_request()) route(MEDIA_CODECS);
}

# The codec policy of a new call's offer (CODECS_TO_TRUNK, CODECS_FROM_TRUNK,
# CODECS_PHONE_TO_PHONE): the trunk's leg is G.711. A browser is offered only what its
# caller offered (it has G.711 anyway).
route[MEDIA_CODECS] {
	if (has_totag()) return;
	if ($du != $null && $(du{uri.param,trunk}) != "") {
		$var(rtp_flags) = $var(rtp_flags) + " " + CODECS_TO_TRUNK;
	} else if ($var(to_ws) == 1) {
		return;
	} else if (isflagset(FLT_TRUNK)) {
		$var(rtp_flags) = $var(rtp_flags) + " " + CODECS_FROM_TRUNK;
	} else {
		$var(rtp_flags) = $var(rtp_flags) + " " + CODECS_PHONE_TO_PHONE;
	}
}

# The ringing branches failed (busy, no answer, unreachable): suspend again and
# ask the service what comes next: another manager, the line, or a final
# answer. A caller's cancel needs no answer, only the report.
failure_route[FAILOVER] {
	# A registering trunk's provider asked for digest: answer once with its account.
	if (route(TRUNK_CHALLENGED)) {
		if (uac_auth()) route(RELAY);
		xlog("L_WARN", "digest challenge of trunk account $avp(trunk_reg) could not be answered\n");
	}
	# A trunk of the service's list failed: on to the next one with room (TRUNK_FAILOVER).
	if ($avp(failover) != $null && !t_is_canceled() && route(TRUNK_FAILED)) route(TRUNK_FAILOVER);
	$var(ev) = "{}";
	$var(jk) = "event"; $var(jv) = "branch_failed"; route(JSON_STR);
	$var(jk) = "callid"; $var(jv) = $ci; route(JSON_STR);
	jansson_set("integer", "code", "$T_reply_code", "$var(ev)");
	if (t_is_canceled()) {
		jansson_set("integer", "canceled", "1", "$var(ev)");
		route(SEND_EVENT);
		rtpengine_delete();
		exit;
	}
	# evapi_async_relay() is for request routes only: suspend with tmx, then report.
	t_set_fr(ROUTING_WAIT_MS, ROUTING_WAIT_MS);
	t_on_failure("WAIT_EXPIRED");
	if (!t_suspend()) {
		t_reply("500", "Cannot Suspend");
		exit;
	}
	jansson_set("integer", "canceled", "0", "$var(ev)");
	jansson_set("integer", "tindex", "$T(id_index)", "$var(ev)");
	jansson_set("integer", "tlabel", "$T(id_label)", "$var(ev)");
	route(SEND_EVENT);
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

####### Several trunks #########
# The service gives an outbound call its trunks in order, one rtjson route each, the
# trunk named in the next hop (`;trunk=<name>`, never sent); Kamailio walks the list.

# The first route of a trunk list: taken if its trunk has room, else the next that has.
route[TRUNK_FIRST] {
	if ($avp(failover) == $null || $du == $null) return 1;
	$var(t) = $(du{uri.param,trunk});
	if ($var(t) == "") return 1;
	$var(skipped) = "";
	if (!route(TRUNK_HAS_ROOM)) {
		$var(code) = 0;
		if (!route(TRUNK_TAKE_NEXT)) {
			$var(t) = "";
			route(TRUNK_REPORT_NEXT);
			append_to_reply("Retry-After: 5\r\n");
			t_reply("503", "All Trunks Busy");
			return -1;
		}
		route(TRUNK_REPORT_NEXT);
	}
	route(TRUNK_CLAIM);
	return 1;
}

# Whether the failed branch is a trunk's failure (not the callee's): a code the service
# named, or no reply at all before the timer. A ring that times out after 180 is not.
route[TRUNK_FAILED] {
	if ($avp(out_trunk) == $null) return -1;
	if (t_branch_timeout()) {
		if (t_branch_replied()) return -1;
		return 1;
	}
	$var(code_s) = "" + $T_reply_code;
	if ($var(code_s) =~ $avp(failover)) return 1;
	return -1;
}

# Relays the call through the next trunk of the list that has room, and reports the
# move; returns (to the FAILOVER report) when none is left.
route[TRUNK_FAILOVER] {
	$var(code) = $T_reply_code;
	$var(failed) = $avp(out_trunk);
	$var(skipped) = "";
	if (!route(TRUNK_TAKE_NEXT)) {
		xlog("L_WARN", "trunk $var(failed) failed ($var(code)) and no other trunk of the list has room\n");
		return;
	}
	xlog("L_WARN", "trunk $var(failed) failed ($var(code)): trying trunk $var(t)\n");
	unset_dlg_profile("trunk_calls", "$var(failed)");
	$avp(trunk_auth_sent) = $null;
	route(TRUNK_REPORT_NEXT);
	route(TRUNK_CLAIM);
	route(RELAY);
}

# Moves the next route of the list whose trunk has room into $ru/$du ($var(t): its
# trunk); $var(skipped) collects the trunks passed over. False when none is left.
route[TRUNK_TAKE_NEXT] {
	while (rtjson_next_route()) {
		$var(t) = $(branch(dst_uri)[0]{uri.param,trunk});
		$ru = $(branch(uri)[0]);
		$du = $(branch(dst_uri)[0]);
		remove_branch(0);
		if ($var(t) == "" || route(TRUNK_HAS_ROOM)) return 1;
		if ($var(skipped) != "") $var(skipped) = $var(skipped) + ",";
		$var(skipped) = $var(skipped) + $var(t);
	}
	return -1;
}

# A trunk's concurrent-call limit counts its calls both ways (the trunk_calls profile).
route[TRUNK_HAS_ROOM] {
	get_profile_size("trunk_calls", "$var(t)", "$var(n)");
	if ($var(n) < $sht(trunk_limits=>$var(t)::calls)) return 1;
	xlog("L_WARN", "trunk $var(t): $var(n) calls in progress, its limit: passed over\n");
	return -1;
}

route[TRUNK_CLAIM] {
	set_dlg_profile("trunk_calls", "$var(t)");
	$avp(out_trunk) = $var(t);
}

# Tells the service the call moved on: from the trunk tried last (failed with $var(code),
# 0: never tried) past $var(skipped) to $var(t) ("" when none was left).
route[TRUNK_REPORT_NEXT] {
	$var(ev) = "{}";
	$var(jk) = "event"; $var(jv) = "trunk_next"; route(JSON_STR);
	$var(jk) = "callid"; $var(jv) = $ci; route(JSON_STR);
	jansson_set("integer", "code", "$var(code)", "$var(ev)");
	$var(jk) = "skipped"; $var(jv) = $var(skipped); route(JSON_STR);
	$var(jk) = "next"; $var(jv) = $var(t); route(JSON_STR);
	if ($var(t) != "") {
		$var(jk) = "next_uri"; $var(jv) = $ru; route(JSON_STR);
	}
	route(SEND_EVENT);
}

####### Registering trunks #########

# A branch toward a registering trunk's domain: remember it, so that the provider's
# digest challenge can be answered with the trunk's account (failure_route FAILOVER).
route[TRUNK_BRANCH] {
	# The service names the trunk in the next hop; a route without it is matched by domain.
	$var(reg) = $null;
	if ($du != $null && $(du{uri.param,trunk}) != "") $var(reg) = $sht(reg_trunk_names=>$(du{uri.param,trunk}));
	if ($var(reg) == $null) $var(reg) = $sht(reg_trunk_domains=>$rd);
	if ($var(reg) == $null) return;
	$avp(trunk_reg) = $var(reg);
	$avp(trunk_ruri) = $ru;
}

# Whether the provider asked for digest on an outbound INVITE through a registering
# trunk, not yet answered: then uac_reg_request_to sets the trunk's credentials and
# proxy for uac_auth (which only a failure route may call: see FAILOVER).
route[TRUNK_CHALLENGED] {
	if (!t_check_status("401|407") || $avp(trunk_reg) == $null || $avp(trunk_auth_sent) != $null) return -1;
	$avp(trunk_auth_sent) = 1;
	if (!uac_reg_request_to("$avp(trunk_reg)", "0")) {
		xlog("L_ERR", "trunk account $avp(trunk_reg) not found for a digest challenge\n");
		return -1;
	}
	# uac_reg_request_to points the R-URI at the account itself: the callee is the branch's.
	$ru = $avp(trunk_ruri);
	return 1;
}

# Every few seconds, each registering trunk's state goes to the service (it logs
# changes and shows them in /healthz and /api/trunks).
route[TRUNK_STATUS] {
{{TRUNK_STATUS_CHECKS}}
}

route[TRUNK_STATUS_ONE] {
	uac_reg_status("$var(reg)");
	$var(rc) = $rc;
	$var(ev) = "{}";
	$var(jk) = "event"; $var(jv) = "trunk_status"; route(JSON_STR);
	$var(jk) = "trunk"; $var(jv) = $sht(reg_trunks=>$var(reg)::name); route(JSON_STR);
	jansson_set("integer", "status", "$var(rc)", "$var(ev)");
	route(SEND_EVENT);
}

####### Events to the service #########

# Adds the text $var(jv) as field $var(jk) of the JSON object $var(ev). Text that
# is not valid UTF-8 cannot be a JSON string: it goes base64-encoded as <field>_b64.
route[JSON_STR] {
	if (!jansson_set("string", "$var(jk)", "$var(jv)", "$var(ev)")) {
		jansson_set("string", "$var(jk)_b64", "$(var(jv){s.encode.base64})", "$var(ev)");
	}
}

# Sends $var(ev), stamped with the time, to the service instances that said hello.
route[SEND_EVENT] {
	jansson_set("real", "ts", "$TV(Sn)", "$var(ev)");
	evapi_multicast("$var(ev)", "leadline");
}

####### Events #########

event_route[htable:mod-init] {
	$shv(evapi_clients) = 0;
{{TRUNK_ENTRIES}}
#!ifdef WITH_WEBPHONE
{{WS_ORIGIN_ENTRIES}}
#!endif
}

# A new connection hears nothing until it proves it knows the channel secret
# (events go only to the "leadline" tag). evapi reuses a closed client's slot,
# tag included: reset both here.
event_route[evapi:connection-new] {
	evapi_set_tag("unauthenticated");
	$sht(evapi_peers=>$evapi(conidx)) = $null;
	xlog("L_INFO", "evapi connection from $evapi(srcaddr):$evapi(srcport): waiting for its hello\n");
}

event_route[evapi:connection-closed] {
	if ($sht(evapi_peers=>$evapi(conidx)) != $null) {
		$sht(evapi_peers=>$evapi(conidx)) = $null;
		$shv(evapi_clients) = $shv(evapi_clients) - 1;
		xlog("L_WARN", "routing service disconnected from $evapi(srcaddr):$evapi(srcport)\n");
	}
}

# Messages from the service: its hello, routing answers, credentials and RPC
# questions ("ack" frames only make the TCP stack acknowledge at once; see EvapiClient).
event_route[evapi:message-received] {
	# $var() outlives one message in this process: never act on a stale value.
	$var(type) = "";
	jansson_get("type", "$evapi(msg)", "$var(type)");
	if ($sht(evapi_peers=>$evapi(conidx)) == $null) {
		route(EVAPI_HELLO);
		exit;
	}
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
	} else if ($var(type) == "rpc") {
		# The reply is JSON built by jsonrpcs: embedded as it is.
		jansson_get("rpc", "$evapi(msg)", "$var(rpc)");
		jsonrpc_exec("$var(rpc)");
		evapi_multicast("{\"event\":\"rpc\",\"reply\":$jsonrpl(body)}", "leadline");
	}
}

# A connection is heard only after {"type":"hello","secret":...}. One that never
# gives it is ignored, not closed: Kamailio 5.6's evapi_close() leaves its libev
# watcher behind, and when the next connection gets the same descriptor the evapi
# process blocks in recv() (found in testing: calls then waited for nothing).
route[EVAPI_HELLO] {
	$var(secret) = "";
	if ($var(type) == "hello") jansson_get("secret", "$evapi(msg)", "$var(secret)");
	if ($var(secret) != "{{EVAPI_SECRET}}") {
		xlog("L_WARN", "evapi client $evapi(srcaddr):$evapi(srcport) did not give the channel secret: message ignored\n");
		exit;
	}
	$sht(evapi_peers=>$evapi(conidx)) = 1;
	evapi_set_tag("leadline");
	$shv(evapi_clients) = $shv(evapi_clients) + 1;
	xlog("L_INFO", "routing service connected from $evapi(srcaddr):$evapi(srcport)\n");
}

# Runs on the 200 OK: its source tells which phone of a ring-all answered, and
# becomes the dialog's second party.
event_route[dialog:start] {
	$dlg_var(callee_ip) = $si;
	$var(ev) = "{}";
	$var(jk) = "event"; $var(jv) = "answered"; route(JSON_STR);
	$var(jk) = "callid"; $var(jv) = $dlg(callid); route(JSON_STR);
	$var(jk) = "src"; $var(jv) = "sip:" + $si + ":" + $sp; route(SOURCE_TRANSPORT); route(JSON_STR);
	route(SEND_EVENT);
}

event_route[dialog:end] {
	$var(ev) = "{}";
	$var(jk) = "event"; $var(jv) = "ended"; route(JSON_STR);
	$var(jk) = "callid"; $var(jv) = $dlg(callid); route(JSON_STR);
	route(SEND_EVENT);
}

event_route[usrloc:contact-expired] {
	$var(ev) = "{}";
	$var(jk) = "event"; $var(jv) = "unregistered"; route(JSON_STR);
	$var(jk) = "user"; $var(jv) = $ulc(exp=>aor); route(JSON_STR);
	route(SEND_EVENT);
}

####### The browser phone (SIP over WebSocket) #########

# The WebSocket handshake: only on the WebSocket port, only from the pages allowed
# to open it (Origin); anything else over HTTP is refused.
#!ifdef WITH_WEBPHONE
event_route[xhttp:request] {
	set_reply_close();
	set_reply_no_connect();
	if ($Rp != {{WS_PORT}} || $rm != "GET" || !($hdr(Upgrade) =~ "websocket") || !($hdr(Connection) =~ "Upgrade")) {
		xhttp_reply("404", "Not Found", "", "");
		exit;
	}
	if ($hdr(Origin) == $null || $sht(ws_origins=>$hdr(Origin)) == $null) {
		xlog("L_WARN", "WebSocket handshake from $si:$sp with origin '$hdr(Origin)': not an allowed origin, refused\n");
		xhttp_reply("403", "Forbidden", "text/plain", "origin not allowed\n");
		exit;
	}
	if (!ws_handle_handshake()) {
		xlog("L_WARN", "WebSocket handshake from $si:$sp failed\n");
	}
	exit;
}
#!endif

# Marks a request that came over WebSocket; plain SIP on the WebSocket port is refused
# (phones use sip.tcp or sip.tls, on their own ports).
route[WS_REQUEST] {
#!ifdef WITH_WEBPHONE
	if ($proto == "tcp" && $Ri == "{{WS_LISTEN}}" && $Rp == {{WS_PORT}}) {
		sl_send_reply("403", "SIP over WebSocket only");
		exit;
	}
	if ($proto != "ws" && $proto != "wss") return;
	setflag(FLT_WS);
	force_rport();
	# The browser's Contact (a random .invalid host) gets the connection's address, so
	# requests inside the dialog reach it (handle_ruri_alias in WS_RURI_ALIAS).
	if (!is_method("REGISTER") && is_present_hf("Contact")) add_contact_alias();
#!endif
	return;
}

# Short-lived credentials ("<expiry>:<extension>", HMAC of the shared secret): a
# wrong or expired pair is a failed attempt like a wrong password.
route[AUTH_WS] {
#!ifdef WITH_WEBPHONE
	autheph_check(REALM);
	$var(rc) = $rc;
	if ($var(rc) == -4 || $var(rc) == -5 || $var(rc) == -6) {
		route(CHALLENGE);
	}
	if ($var(rc) < 0) {
		xlog("L_NOTICE", "browser phone credentials refused for '$var(user)' from $si:$sp (code $var(rc))\n");
		route(COUNT_AUTH_FAILURE);
		sl_send_reply("403", "Forbidden");
		exit;
	}
	# The credentials name one extension: the registration or the call must be his.
	if (is_method("REGISTER")) {
		$var(own) = autheph_check_to();
	} else {
		$var(own) = autheph_check_from();
	}
	if ($var(own) < 0) {
		xlog("L_NOTICE", "browser phone credentials of another extension used for '$var(user)' from $si:$sp\n");
		route(COUNT_AUTH_FAILURE);
		sl_send_reply("403", "Forbidden");
		exit;
	}
	consume_credentials();
	setflag(FLT_PHONE);
#!else
	sl_send_reply("403", "Forbidden");
	exit;
#!endif
}

# An in-dialog request toward a browser: its Contact alias names the connection.
route[WS_RURI_ALIAS] {
#!ifdef WITH_WEBPHONE
	if ($ru =~ ";alias=") handle_ruri_alias();
#!endif
	return;
}

# A browser's answer: its Contact gets the connection's alias, as its requests do.
route[WS_REPLY] {
#!ifdef WITH_WEBPHONE
	if (($proto == "ws" || $proto == "wss") && is_present_hf("Contact")) add_contact_alias();
#!endif
	return;
}

# $var(jv) (a "sip:address:port" source) names the transport when it is not UDP: the
# service rings the phone there, and Kamailio reuses the phone's own TCP, TLS or
# WebSocket connection to that address.
route[SOURCE_TRANSPORT] {
	if ($proto != "udp") $var(jv) = $var(jv) + ";transport=" + $proto;
}
