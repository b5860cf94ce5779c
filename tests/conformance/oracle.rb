#!/usr/bin/env ruby
# frozen_string_literal: true
#
# The conformance oracle: Shopify's liquid gem renders every case of
# tests/conformance/cases/*.json and this script (re)writes each case's
# `expected` with what the gem printed. The C++ suite (conformance_test.cpp)
# then compares Herald's output with the recorded text, so it needs no Ruby.
#
# Recorded with: liquid gem 5.4.0 (Debian 12 ruby-liquid 5.4.0-3), ruby 3.1.
#
#   ruby tests/conformance/oracle.rb            rewrite `expected` in cases/*.json
#   ruby tests/conformance/oracle.rb --check    exit 1 when a recorded `expected` is stale
#   ruby tests/conformance/oracle.rb --batch    read JSON lines {"template", "data"} on stdin,
#                                               print {"output": ...} or {"error": ...} per line
#                                               (tests/conformance/differential.py)
#
# Every render happens in UTC with "now" fixed at NOW_SECONDS (the C++ suite
# renders with timezone "UTC" and the same now_ms), templates are parsed in
# the gem's strict error mode, and a case without `data` uses common_data.json.
require 'json'
require 'time'

ENV['TZ'] = 'UTC'
begin
  require 'liquid'
rescue LoadError
  puts 'SKIPPED: the liquid gem is not installed (Debian: ruby-liquid)'
  exit 77
end

NOW_SECONDS = 1_700_000_000 # 2023-11-14T22:13:20Z

class << Time
  alias_method :liquid_oracle_real_now, :now
  def now
    Time.at(NOW_SECONDS).utc
  end
end

HERE = File.dirname(File.expand_path(__FILE__))

def render_case(template, data)
  Liquid::Template.parse(template, error_mode: :strict).render(data)
rescue Liquid::Error => e
  "error: #{e.message}"
end

def render_strict(template, data)
  { 'output' => Liquid::Template.parse(template, error_mode: :strict).render!(data) }
rescue StandardError => e
  { 'error' => e.message }
end

def batch
  $stdout.sync = true
  $stdin.each_line do |line|
    next if line.strip.empty?
    req = JSON.parse(line)
    puts JSON.generate(render_strict(req['template'], req['data'] || {}))
  end
end

def record(check_only)
  common = JSON.parse(File.read(File.join(HERE, 'common_data.json')))
  stale = 0
  total = 0
  Dir.glob(File.join(HERE, 'cases', '*.json')).sort.each do |path|
    cases = JSON.parse(File.read(path))
    cases.each do |c|
      total += 1
      out = render_case(c['template'], c.key?('data') ? c['data'] : common)
      if out.include?('Liquid error') || out.start_with?('error: ')
        warn "#{File.basename(path)}: #{c['name']}: the gem reports an error (#{out.inspect}); " \
             'give the case a herald_expected and a why' unless c.key?('herald_expected')
      end
      next if c['expected'] == out
      stale += 1
      warn "#{File.basename(path)}: #{c['name']}: expected #{c['expected'].inspect}, gem #{out.inspect}" if check_only
      c['expected'] = out
    end
    File.write(path, "#{JSON.pretty_generate(cases)}\n") unless check_only
  end
  puts "#{total} cases, #{stale} #{check_only ? 'stale' : 'updated'} (liquid #{Liquid::VERSION})"
  exit(1) if check_only && stale.positive?
end

case ARGV.first
when '--batch' then batch
when '--check' then record(true)
when nil then record(false)
else
  warn 'usage: oracle.rb [--check | --batch]'
  exit 2
end
