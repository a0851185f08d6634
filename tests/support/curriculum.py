"""The question ids of every module, as ../shared/CURRICULUM.md binds them (tests and graders refer to them)."""

QUESTION_IDS: dict[str, tuple[str, ...]] = {
    "01_active_users": ("dau_on_date", "dau_by_day", "wau_mau", "stickiness", "dau_local_vs_utc", "dau_chart"),
    "02_engagement_kpis": ("sessions_per_user_day", "session_duration", "retention_classic", "retention_unbounded",
                           # curves per monthly cohort replace the heatmap: same trap (unreached days drawn as 0)
                           "retention_curves", "watch_time_top_decile"),
    "03_weekend_trends": ("dow_profile", "weekend_uplift", "weekend_uplift_ci", "utc_vs_local", "promo_effect",
                          "stakeholder_chart"),
    "04_feature_friction": ("creation_funnel", "edit_rate_by_segment", "struggling_segment", "redesign_by_version",
                            "csat_lift", "decision_chart", "investigate"),
    # the novelty answer's interval and the Simpson answer's decision are checked under ids of their own
    "05_prioritizing_metrics": ("metric_for_feature", "shop_funnel", "srm", "novelty", "long_run_lift", "simpson",
                                "ship_decision", "randomisation_fix", "readout_chart", "investigate"),
    "06_data_accuracy": ("duplicate_rows", "double_logged_build", "tz_bug_build", "skewed_clock_users",
                         "late_restatement", "audit", "accuracy_chart", "investigate"),
    "07_conflicting_sources": ("likes_by_source", "client_drop_rate", "outage", "bots", "dau_reconciled",
                               "source_of_truth", "reconciliation_chart", "investigate"),
    # CURRICULUM names no id for the chart of question 7
    "08_user_research": ("response_rate_by_decile", "naive_csat", "reweighted_csat", "nps", "themes_by_segment",
                         "priority_segment", "decile_chart", "investigate"),
    "09_communicating": ("weekly_kpis", "chart_for_message", "fix_misleading_chart", "headline", "exec_chart",
                         "recommendation", "investigate"),
    "10_capstone": ("wau_change", "drop_start", "drop_segment", "pushes_by_build", "ruled_out", "effect_size", "memo",
                    "exec_chart"),
}
