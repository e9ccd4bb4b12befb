// The CX dashboard: reads the fleet's GraphQL fields with this browser's session cookie and draws them with the
// bundled ECharts, each chart followed by its numbers as a table. URL parameters (also set by the form):
//   ?from=YYYY-MM-DD&to=YYYY-MM-DD   local days of the time zone, both included (default: the last 7 days)
//   &bucket=DAY|HOUR                 contacts per day or per hour (default DAY)
//   &tz=America/Sao_Paulo            an IANA time zone (default America/Sao_Paulo)
// A 401 sends the browser to /signin and back here.
(function () {
  'use strict';
  var CHANNELS = ['PHONE', 'CHAT', 'WHATSAPP', 'EMAIL'];
  var COLOURS = { PHONE: '#0b6bcb', CHAT: '#2f9e44', WHATSAPP: '#12b886', EMAIL: '#f08c00' };
  var ZONES = ['America/Sao_Paulo', 'America/Manaus', 'America/Fortaleza', 'America/Recife', 'America/Belem',
    'America/Cuiaba', 'America/Rio_Branco', 'America/Noronha', 'UTC', 'Europe/Lisbon', 'America/New_York'];
  var HOUR = 3600 * 1000;
  var TOP = 10;
  var RATE_EVERY_MS = 5000;
  var RATE_SAMPLES = 60;
  var MAX_DAYS = { DAY: 400, HOUR: 31 };

  var charts = {};
  var rateSamples = [];
  var settings = null;

  // ---- time zones: local days to instants without a date library ----
  var partsFormats = {};
  function partsFormat(tz) {
    if (!partsFormats[tz]) {
      partsFormats[tz] = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit',
        day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    }
    return partsFormats[tz];
  }
  function localParts(ms, tz) {
    var p = {};
    partsFormat(tz).formatToParts(new Date(ms)).forEach(function (x) { p[x.type] = x.value; });
    return { y: +p.year, m: +p.month, d: +p.day, h: +p.hour % 24, min: +p.minute, s: +p.second };
  }
  function offset(ms, tz) {
    var p = localParts(ms, tz);
    return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - Math.floor(ms / 1000) * 1000;
  }
  function parseDay(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
    return m ? { y: +m[1], m: +m[2], d: +m[3] } : null;
  }
  function dayText(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function addDays(text, n) { var d = parseDay(text); return dayText(Date.UTC(d.y, d.m - 1, d.d + n)); }
  // The first instant of a local day: midnight, or the end of a daylight-saving gap that swallowed midnight.
  function startOfDay(text, tz) {
    var d = parseDay(text);
    var wall = Date.UTC(d.y, d.m - 1, d.d);
    var first = wall - offset(wall, tz);
    var second = wall - offset(first, tz);
    // second is consistent when its own offset maps it back to midnight; else midnight fell in a gap and first is
    // the instant the day began (e.g. 01:00 in Sao Paulo on 2018-11-04).
    return wall - offset(second, tz) === second ? second : first;
  }
  function today(tz) { var p = localParts(Date.now(), tz); return dayText(Date.UTC(p.y, p.m - 1, p.d)); }
  function two(n) { return (n < 10 ? '0' : '') + n; }
  function label(ms, tz, bucket) {
    var p = localParts(ms, tz);
    var day = p.y + '-' + two(p.m) + '-' + two(p.d);
    return bucket === 'DAY' ? day : day + ' ' + two(p.h) + ':' + two(p.min);
  }
  function clock(ms, tz) { var p = localParts(ms, tz); return two(p.h) + ':' + two(p.min) + ':' + two(p.s); }
  function iso(ms) { return new Date(ms).toISOString().replace('.000Z', 'Z'); }
  function validZone(tz) {
    try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch (e) { return false; }
  }

  // ---- GraphQL with the session cookie ----
  // Set once the browser is on its way to /signin: the other queries' 401s (and the 5 s rate samples) must not
  // restart that navigation, which on a slow server could then never complete.
  var signingIn = false;
  function graphql(query, variables) {
    return fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query: query, variables: variables })
    }).then(function (response) {
      if (response.status === 401) {
        if (!signingIn) {
          signingIn = true;
          window.location.assign('/signin?returnUrl=' + encodeURIComponent(window.location.pathname + window.location.search));
        }
        return new Promise(function () { });
      }
      if (response.status === 403) throw new Error('Your key lacks the read scope.');
      return response.json().then(function (body) {
        if (body.errors && body.errors.length) throw new Error(body.errors.map(function (e) { return e.message; }).join(' '));
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return body.data;
      });
    });
  }

  var DASHBOARD_QUERY =
    'query Dashboard($since: DateTime!, $until: DateTime!, $bucket: Bucket!, $timeZone: String!, $daySince: DateTime!, $dayUntil: DateTime!, $top: Int!) {\n' +
    '  period: contactStats(since: $since, until: $until, bucket: $bucket, timeZone: $timeZone) { start channel contacts }\n' +
    '  last24h: contactStats(since: $daySince, until: $dayUntil, bucket: HOUR, timeZone: "UTC") { channel contacts }\n' +
    '  rejectionCounts(since: $since, until: $until) { endpoint reason count }\n' +
    '  contactCounts(since: $since, until: $until, first: $top) { nodes { customerId contacts } }\n' +
    '}';
  var RATE_QUERY =
    'query IngestRate($since: DateTime!, $until: DateTime!) {\n' +
    '  contactStats(since: $since, until: $until, bucket: HOUR, timeZone: "UTC") { contacts }\n' +
    '}';

  // ---- tables ----
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  // span: the instants the numbers cover ({since, until} in ms), kept on the table for tests and scripts.
  function fillTable(id, caption, headers, rows, foot, span) {
    var table = document.getElementById(id);
    table.textContent = '';
    if (span) {
      table.setAttribute('data-since', iso(span.since));
      table.setAttribute('data-until', iso(span.until));
    }
    table.appendChild(el('caption', {}, caption));
    var head = el('tr');
    headers.forEach(function (h) { head.appendChild(el('th', { scope: 'col', class: h.num ? 'num' : '' }, h.text)); });
    table.appendChild(el('thead')).appendChild(head);
    var body = table.appendChild(el('tbody'));
    if (rows.length === 0) {
      var empty = el('tr');
      empty.appendChild(el('td', { colspan: String(headers.length), class: 'empty' }, 'None in this period.'));
      body.appendChild(empty);
    }
    rows.concat(foot ? [foot] : []).forEach(function (cells, i) {
      var tr = el('tr');
      cells.forEach(function (cell, c) {
        var td = el(c === 0 ? 'th' : 'td', c === 0 ? { scope: 'row' } : { class: headers[c].num ? 'num' : '' });
        if (cell && cell.node) td.appendChild(cell.node); else td.textContent = String(cell);
        tr.appendChild(td);
      });
      (foot && i === rows.length ? table.appendChild(el('tfoot')) : body).appendChild(tr);
    });
  }
  function timeCell(ms, text) { var t = el('time', { datetime: iso(ms) }, text); return { node: t }; }

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), null, { renderer: 'canvas' });
    return charts[id];
  }
  function num(h) { return { text: h, num: true }; }

  // ---- the period's panels ----
  function bucketStarts(s) {
    var starts = [];
    if (s.bucket === 'HOUR') {
      for (var t = s.since; t < s.until; t += HOUR) starts.push(t);
    } else {
      for (var day = s.from; day <= s.to; day = addDays(day, 1)) starts.push(startOfDay(day, s.tz));
    }
    return starts;
  }

  function drawContacts(s, stats) {
    var starts = bucketStarts(s);
    var index = {};
    starts.forEach(function (t, i) { index[t] = i; });
    var byChannel = {};
    CHANNELS.forEach(function (c) { byChannel[c] = starts.map(function () { return 0; }); });
    stats.forEach(function (b) {
      var t = Date.parse(b.start);
      if (index[t] === undefined) { index[t] = starts.length; starts.push(t); CHANNELS.forEach(function (c) { byChannel[c].push(0); }); }
      byChannel[b.channel][index[t]] += b.contacts;
    });
    var labels = starts.map(function (t) { return label(t, s.tz, s.bucket); });
    chart('contacts-chart').setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 50, right: 10, top: 30, bottom: 40 },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', minInterval: 1 },
      series: CHANNELS.map(function (c) {
        return { name: c, type: 'bar', stack: 'contacts', data: byChannel[c], itemStyle: { color: COLOURS[c] } };
      })
    }, true);
    var rows = starts.map(function (t, i) {
      var total = 0;
      var cells = [timeCell(t, labels[i])];
      CHANNELS.forEach(function (c) { cells.push(byChannel[c][i]); total += byChannel[c][i]; });
      cells.push(total);
      return cells;
    });
    fillTable('contacts-table', 'Contacts per ' + (s.bucket === 'DAY' ? 'day' : 'hour') + ' in ' + s.tz + ' (bucket start, local time)',
      [{ text: 'Bucket' }].concat(CHANNELS.map(num), [num('Total')]), rows, null, s);
  }

  function drawLast24h(stats, span) {
    var totals = {};
    var total = 0;
    CHANNELS.forEach(function (c) { totals[c] = 0; });
    stats.forEach(function (b) { totals[b.channel] += b.contacts; total += b.contacts; });
    document.getElementById('last24h-total').textContent = String(total);
    chart('last24h-chart').setOption({
      animation: false,
      tooltip: {},
      grid: { left: 50, right: 10, top: 10, bottom: 30 },
      xAxis: { type: 'category', data: CHANNELS },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: CHANNELS.map(function (c) { return { value: totals[c], itemStyle: { color: COLOURS[c] } }; }) }]
    }, true);
    fillTable('last24h-table', 'Contacts started in the current hour and the 23 before it', [{ text: 'Channel' }, num('Contacts')],
      CHANNELS.map(function (c) { return [c, totals[c]]; }), ['Total', total], span);
  }

  function drawRejections(rows, span) {
    var reasons = [];
    var endpoints = [];
    rows.forEach(function (r) {
      if (reasons.indexOf(r.reason) < 0) reasons.push(r.reason);
      if (endpoints.indexOf(r.endpoint) < 0) endpoints.push(r.endpoint);
    });
    chart('rejections-chart').setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 10, right: 20, top: 30, bottom: 20, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: reasons },
      series: endpoints.map(function (e) {
        return { name: e, type: 'bar', stack: 'rejections', data: reasons.map(function (reason) {
          var hit = rows.filter(function (r) { return r.endpoint === e && r.reason === reason; })[0];
          return hit ? hit.count : 0;
        }) };
      })
    }, true);
    fillTable('rejections-table', 'Records refused in the period (by the time they were received)',
      [{ text: 'Endpoint' }, { text: 'Reason' }, num('Rejected')], rows.map(function (r) { return [r.endpoint, r.reason, r.count]; }), null, span);
  }

  function profileLink(id) {
    var query = '{\n  customer(id: ' + JSON.stringify(id) + ') {\n    id\n    name\n    totalContacts\n    contactsLast24h\n' +
      '    interactionCounts { channel count }\n    interactions(first: 20) { nodes { channel startedAt status queue } }\n  }\n}\n';
    return { node: el('a', { href: '/graphql?run=1&query=' + encodeURIComponent(query) }, id) };
  }

  function drawTop(nodes, span) {
    chart('top-chart').setOption({
      animation: false,
      tooltip: {},
      grid: { left: 10, right: 20, top: 10, bottom: 20, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: nodes.map(function (n) { return n.customerId; }) },
      series: [{ type: 'bar', data: nodes.map(function (n) { return n.contacts; }), itemStyle: { color: '#5f3dc4' } }]
    }, true);
    fillTable('top-table', 'The ' + TOP + ' customers with the most contacts in the period (most first); a link opens the profile in GraphiQL',
      [{ text: 'Customer' }, num('Contacts')], nodes.map(function (n) { return [profileLink(n.customerId), n.contacts]; }), null, span);
  }

  // ---- the live ingest rate: the contacts stored with a start in the last two UTC hours, sampled every 5 s ----
  function pollRate() {
    var hour = Math.floor(Date.now() / HOUR) * HOUR;
    var span = { since: iso(hour - HOUR), until: iso(hour + HOUR) };
    return graphql(RATE_QUERY, span).then(function (data) {
      var total = data.contactStats.reduce(function (sum, b) { return sum + b.contacts; }, 0);
      var now = Date.now();
      var last = rateSamples[rateSamples.length - 1];
      var rate = last && last.since === span.since ? Math.max(0, (total - last.total) / ((now - last.at) / 1000)) : null;
      rateSamples.push({ at: now, since: span.since, until: span.until, total: total, rate: rate });
      if (rateSamples.length > RATE_SAMPLES) rateSamples.shift();
      drawRate();
    }).catch(showError);
  }
  function drawRate() {
    var tz = settings ? settings.tz : 'UTC';
    var last = rateSamples[rateSamples.length - 1];
    document.getElementById('rate-now').textContent = last && last.rate !== null ? last.rate.toFixed(1) : '–';
    chart('rate-chart').setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 50, right: 10, top: 10, bottom: 30 },
      xAxis: { type: 'category', data: rateSamples.map(function (x) { return clock(x.at, tz); }) },
      yAxis: { type: 'value', name: '/s' },
      series: [{ type: 'line', showSymbol: false, data: rateSamples.map(function (x) { return x.rate === null ? '-' : +x.rate.toFixed(1); }) }]
    }, true);
    fillTable('rate-table', 'Contacts stored with a start in ' + (last ? last.since + ' – ' + last.until : 'the last two UTC hours') +
      ', sampled every 5 s (newest first); the rate is the growth between samples',
      [{ text: 'Sampled at' }, num('Stored'), num('Per second')],
      rateSamples.slice().reverse().map(function (x) { return [timeCell(x.at, clock(x.at, tz)), x.total, x.rate === null ? '–' : x.rate.toFixed(1)]; }),
      null, last ? { since: Date.parse(last.since), until: Date.parse(last.until) } : null);
  }

  // ---- settings from the URL and the form ----
  function readSettings() {
    var params = new URLSearchParams(window.location.search);
    var tz = params.get('tz') || 'America/Sao_Paulo';
    if (!validZone(tz)) throw new Error('Unknown time zone: ' + tz);
    var bucket = params.get('bucket') === 'HOUR' ? 'HOUR' : 'DAY';
    var to = parseDay(params.get('to')) ? params.get('to') : today(tz);
    var from = parseDay(params.get('from')) ? params.get('from') : addDays(to, -6);
    if (from > to) throw new Error('The period starts after it ends.');
    var days = Math.round((Date.parse(to) - Date.parse(from)) / (24 * HOUR)) + 1;
    if (days > MAX_DAYS[bucket]) throw new Error('At most ' + MAX_DAYS[bucket] + ' days with ' + bucket.toLowerCase() + ' buckets.');
    return { tz: tz, bucket: bucket, from: from, to: to, since: startOfDay(from, tz), until: startOfDay(addDays(to, 1), tz) };
  }
  function showSettings(s) {
    document.getElementById('from').value = s.from;
    document.getElementById('to').value = s.to;
    document.getElementById('bucket').value = s.bucket;
    document.getElementById('tz').value = s.tz;
  }
  function status(text, error) {
    var node = document.getElementById('status');
    node.textContent = text;
    node.className = error ? 'error' : '';
  }
  function showError(e) { status(e && e.message ? e.message : String(e), true); }

  function load() {
    try {
      settings = readSettings();
    } catch (e) {
      showError(e);
      return Promise.resolve();
    }
    var s = settings;
    showSettings(s);
    status('Loading…');
    var hour = Math.floor(Date.now() / HOUR) * HOUR;
    var day = { since: hour - 23 * HOUR, until: hour + HOUR };
    return graphql(DASHBOARD_QUERY, {
      since: iso(s.since), until: iso(s.until), bucket: s.bucket, timeZone: s.tz,
      daySince: iso(day.since), dayUntil: iso(day.until), top: TOP
    }).then(function (data) {
      drawContacts(s, data.period);
      drawLast24h(data.last24h, day);
      drawRejections(data.rejectionCounts, s);
      drawTop(data.contactCounts.nodes, s);
      status(s.from + ' to ' + s.to + ' (' + s.tz + '), ' + iso(s.since) + ' ≤ start < ' + iso(s.until) + '.');
      document.body.setAttribute('data-loaded', iso(s.since) + '/' + iso(s.until));
    }).catch(showError);
  }

  var list = document.getElementById('zones');
  ZONES.concat([Intl.DateTimeFormat().resolvedOptions().timeZone]).forEach(function (z) {
    if (z && !list.querySelector('option[value="' + z + '"]')) list.appendChild(el('option', { value: z }));
  });
  document.getElementById('controls').addEventListener('submit', function (event) {
    event.preventDefault();
    var params = new URLSearchParams({
      from: document.getElementById('from').value, to: document.getElementById('to').value,
      bucket: document.getElementById('bucket').value, tz: document.getElementById('tz').value.trim()
    });
    window.history.replaceState(null, '', window.location.pathname + '?' + params.toString());
    load();
  });
  window.addEventListener('resize', function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  load().then(pollRate);
  setInterval(pollRate, RATE_EVERY_MS);
})();
