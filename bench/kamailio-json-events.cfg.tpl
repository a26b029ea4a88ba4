#!KAMAILIO
# Leadline bench: the CPU Kamailio spends building one route request.
#
# Every INVITE gets its route-request JSON built, then a stateless 480: no
# service, no transaction, no relay. {{BUILD}} picks how the JSON is built:
#   route(EVENT_ESCAPE)   string concatenation with {s.escape.common} (before jansson;
#                         not a JSON encoder: the baseline)
#   route(EVENT_JANSSON)  jansson_set field by field with the base64 fallback, as
#                         config/kamailio.cfg.tpl does (route[JSON_STR] is copied from it)
#   route(EVENT_NONE)     nothing: the cost of receiving and answering alone
# Placeholders: {{LISTEN_IP}} {{LISTEN_PORT}} {{CHILDREN}} {{BUILD}} (bench/kamailio-cpu-per-call.ts).

debug=1
log_stderror=yes
children={{CHILDREN}}
auto_aliases=no
listen=udp:{{LISTEN_IP}}:{{LISTEN_PORT}}
disable_tcp=yes
dns=no
rev_dns=no

loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "jansson.so"

request_route {
	if (!is_method("INVITE")) {
		if (!is_method("ACK")) sl_send_reply("200", "OK");
		exit;
	}
	{{BUILD}}
	sl_send_reply("480", "Temporarily Unavailable");
	exit;
}

route[EVENT_NONE] {
	$var(ev) = "";
}

route[EVENT_ESCAPE] {
	$var(ev) = "{\"event\":\"route\",\"tindex\":1,\"tlabel\":2,\"callid\":\"" + $(ci{s.escape.common}) + "\",\"source\":\"trunk\",\"from_user\":\"" + $(fU{s.escape.common}) + "\",\"from_uri\":\"" + $(fu{s.escape.common}) + "\",\"to_user\":\"" + $(tU{s.escape.common}) + "\",\"ruri_user\":\"" + $(rU{s.escape.common}) + "\",\"src_ip\":\"" + $si + "\",\"src_port\":" + $sp + ",\"ts\":" + $TV(Sn) + "}";
}

route[EVENT_JANSSON] {
	$var(ev) = "{}";
	$var(jk) = "event"; $var(jv) = "route"; route(JSON_STR);
	jansson_set("integer", "tindex", "1", "$var(ev)");
	jansson_set("integer", "tlabel", "2", "$var(ev)");
	$var(jk) = "callid"; $var(jv) = $ci; route(JSON_STR);
	$var(jk) = "source"; $var(jv) = "trunk"; route(JSON_STR);
	$var(jk) = "from_user"; $var(jv) = $fU; route(JSON_STR);
	$var(jk) = "from_uri"; $var(jv) = $fu; route(JSON_STR);
	$var(jk) = "to_user"; $var(jv) = $tU; route(JSON_STR);
	$var(jk) = "ruri_user"; $var(jv) = $rU; route(JSON_STR);
	$var(jk) = "src_ip"; $var(jv) = $si; route(JSON_STR);
	jansson_set("integer", "src_port", "$sp", "$var(ev)");
	jansson_set("real", "ts", "$TV(Sn)", "$var(ev)");
}

route[JSON_STR] {
	if (!jansson_set("string", "$var(jk)", "$var(jv)", "$var(ev)")) {
		jansson_set("string", "$var(jk)_b64", "$(var(jv){s.encode.base64})", "$var(ev)");
	}
}
