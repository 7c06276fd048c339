# Patchbay 메시지 (ko) — 알람(ALM-3 … ALM-6) 및 대시보드(DSH-1). 누락된 메시지는 영어로 대체됩니다.

## 알람 목록 (ALM-3)
alarms-summary = 알람 요약
alarms-summary-all = 모든 알람
alarms-col-customer = 고객
alarms-col-system = 시스템 이름
alarms-col-severity = 심각도
alarms-col-type = 유형
alarms-col-last = 마지막 발생
alarms-col-occurrences = 발생 횟수
alarms-col-description = 설명
alarms-severity-critical = 위험
alarms-severity-major = 주요
alarms-severity-minor = 경미
alarms-severity-warning = 경고
alarms-type-configuration = 구성
alarms-type-trunk = 트렁크
alarms-type-link = 링크
alarms-type-services = 서비스
alarms-type-qos = QoS
alarms-type-security = 보안
alarms-ongoing = 진행 중
alarms-ongoing-yes = 진행 중인 알람만
alarms-ongoing-no = 진행 중 아님
alarms-ongoing-badge = 진행 중
alarms-ongoing-locked = 진행 중인 알람은 선택하거나 지울 수 없습니다.

## 알람 지우기 (ALM-4, ALM-5)
alarms-clear-selected = 선택 항목 지우기
alarms-clear-type-label = 알람 유형
alarms-clear-type = 유형별로 모두 지우기
alarms-clear-title = 알람 지우기
alarms-clear-confirm = 이 알람을 지우시겠습니까? 목록에서 사라지며, 다시 발생하면 다시 표시됩니다.
alarms-clear-type-title = 한 유형의 알람 모두 지우기
alarms-clear-type-confirm = 조회할 수 있는 모든 고객의 { $type } 알람을 모두 지우시겠습니까? 지울 알람: { $count }개.
alarms-clear-type-ongoing = 이 유형의 진행 중인 알람은 유지됩니다: { $count }개.
alarms-clear-type-nothing = 지울 알람이 없습니다.
alarms-cleared = 지운 알람: { $count }개.
alarms-cleared-type = 지운 { $type } 알람: { $count }개. 진행 중인 알람은 유지됩니다.
conflict-alarm-ongoing = 진행 중인 알람은 지울 수 없습니다. 아무것도 지우지 않았습니다.

## 대시보드 (DSH-1, OPR-5)
dashboard-chart-connectivity = 연결 상태별 고객
dashboard-chart-severity = 심각도별 알람
dashboard-chart-type = 유형별 알람
dashboard-chart-tags = 태그
dashboard-chart-versions = 소프트웨어 버전
dashboard-light-green = 연결됨
dashboard-light-amber = 주의 필요
dashboard-light-red = 연결 안 됨
dashboard-chart-none = 표시할 항목이 없습니다.
dashboard-chart-all-hidden = 이 차트의 모든 계열이 숨겨져 있습니다.
dashboard-series-hide = 이 차트에서 { $series } 숨기기
dashboard-series-show = 이 차트에서 { $series } 표시
dashboard-open-list = { $series } 목록 열기
dashboard-customers-total = 고객: { $count }
dashboard-chart-total = 합계
dashboard-updated = 업데이트 시각: { $time }
alarms-none = 알람이 없습니다. 모든 시스템이 정상입니다.
