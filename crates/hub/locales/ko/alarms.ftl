# Patchbay messages (ko) — alarms. Missing messages fall back to English.
alarms-col-customer = 고객
alarms-col-severity = 심각도
alarms-col-type = 유형
alarms-col-description = 설명
alarms-severity-critical = 위험
alarms-severity-major = 주요
alarms-severity-minor = 경미
alarms-severity-warning = 경고
alarms-type-security = 보안
alarms-ongoing = 진행 중
alarms-clear-selected = 선택 항목 지우기
dashboard-chart-severity = 심각도별 알람
dashboard-chart-type = 유형별 알람
dashboard-chart-versions = 소프트웨어 버전
