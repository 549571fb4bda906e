<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Accounts</name>
    <message>
        <source>At least %1 characters, two kinds (letters, digits, other signs), not containing the user name.</source>
        <translation>至少 %1 个字符，含两类字符（字母、数字、其他符号），不能包含用户名。</translation>
    </message>
    <message>
        <source>&amp;New password:</source>
        <translation>新密码(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Repeat it:</source>
        <translation>再输一次(&amp;R)：</translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>Cannot reach the server; nothing was changed. Details: %1</source>
        <translation>无法连接服务器，未做任何修改。详情：%1</translation>
    </message>
    <message>
        <source>Too many attempts; wait a while and try again. Server: %1</source>
        <translation>尝试次数过多，请稍后再试。服务器：%1</translation>
    </message>
    <message>
        <source>The server refused: %1</source>
        <translation>服务器拒绝：%1</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>未修改：%1</translation>
    </message>
</context>
<context>
    <name>AddUserDialog</name>
    <message>
        <source>Add user</source>
        <translation>新增用户</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Display name:</source>
        <translation>显示名称(&amp;D)：</translation>
    </message>
    <message>
        <source>R&amp;ole:</source>
        <translation>角色(&amp;O)：</translation>
    </message>
    <message>
        <source>U&amp;nit:</source>
        <translation>单位(&amp;N)：</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>A unit account needs its unit.</source>
        <translation>承办单位账号必须选择所属单位。</translation>
    </message>
    <message>
        <source>Enter the name people see.</source>
        <translation>请输入显示名称。</translation>
    </message>
    <message>
        <source>A user name is 1 to 64 letters, digits, dots, dashes or underscores.</source>
        <translation>用户名为 1 至 64 个字母、数字、点、连字符或下划线。</translation>
    </message>
    <message>
        <source>An account with this name exists already.</source>
        <translation>该用户名已存在。</translation>
    </message>
</context>
<context>
    <name>AdjustmentDialog</name>
    <message>
        <source>Adjust the score</source>
        <translation>加分/扣分</translation>
    </message>
    <message>
        <source>Positive adds points (加分), negative deducts them (扣分)</source>
        <translation>正数为加分，负数为扣分</translation>
    </message>
    <message>
        <source>Unit:</source>
        <translation>承办单位：</translation>
    </message>
    <message>
        <source>Month:</source>
        <translation>月份：</translation>
    </message>
    <message>
        <source>&amp;Points:</source>
        <translation>分值(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>理由(&amp;R)：</translation>
    </message>
    <message>
        <source>Adjustments are kept with your name and the time, and cannot be edited: correct one with another.</source>
        <translation>加减分连同您的账号和时间一并留存，不能修改：如需更正，请再录一条。</translation>
    </message>
    <message>
        <source>Enter the points to add or deduct.</source>
        <translation>请输入加减的分值。</translation>
    </message>
    <message>
        <source>Say why the score changes.</source>
        <translation>请填写加减分理由。</translation>
    </message>
</context>
<context>
    <name>ArticleReader</name>
    <message>
        <source>⚠ Not updated for a long time: check with the unit before reading it out.</source>
        <translation>⚠ 长时间未更新：答复前请向承办单位核实。</translation>
    </message>
    <message>
        <source>Open an article with Enter to read it here.</source>
        <translation>按回车键打开知识条目，在此阅读全文。</translation>
    </message>
    <message>
        <source>Use as the answer (Ctrl+I)</source>
        <translation>作为答复内容 (Ctrl+I)</translation>
    </message>
    <message>
        <source>Report an error in this article…</source>
        <translation>反馈纠错…</translation>
    </message>
    <message>
        <source>What is wrong or out of date? The unit that owns the article receives this.</source>
        <translation>哪里有误或已过时？反馈将发送给该条目的承办单位。</translation>
    </message>
    <message>
        <source>Send report</source>
        <translation>提交反馈</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>This article has been withdrawn from the knowledge base.</source>
        <translation>该条目已从知识库撤下。</translation>
    </message>
    <message>
        <source>Report kept; it is sent to %1 with the next sync.</source>
        <translation>反馈已保存，下次同步时发送给%1。</translation>
    </message>
    <message>
        <source>Report kept; it is sent with the next sync.</source>
        <translation>反馈已保存，下次同步时发送。</translation>
    </message>
    <message>
        <source>Say what is wrong first.</source>
        <translation>请先填写错误内容。</translation>
    </message>
    <message>
        <source>At most %1 characters.</source>
        <translation>最多 %1 个字。</translation>
    </message>
</context>
<context>
    <name>AssessmentRule</name>
    <message>
        <source>points must be a number from -100 to 100, not 0</source>
        <translation>分值须为 -100 至 100 之间的数，且不能为 0</translation>
    </message>
    <message>
        <source>an adjustment needs its reason</source>
        <translation>加扣分须写明理由</translation>
    </message>
    <message>
        <source>the reason is too long (at most 500 characters)</source>
        <translation>理由过长（最多 500 个字）</translation>
    </message>
    <message>
        <source>only a lead or an admin adjusts scores</source>
        <translation>只有班长或管理员可以加扣分</translation>
    </message>
</context>
<context>
    <name>BulletinDialog</name>
    <message>
        <source>Bulletin</source>
        <translation>通报</translation>
    </message>
    <message>
        <source>Typical cases of the month, one paragraph a line</source>
        <translation>本月典型案例，每行一段</translation>
    </message>
    <message>
        <source>Work of the month, one paragraph a line (一是…, 二是…)</source>
        <translation>本月工作动态，每行一段（一是…，二是…）</translation>
    </message>
    <message>
        <source>&amp;Cases (案例摘登)</source>
        <translation>案例摘登(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Work news (工作动态)</source>
        <translation>工作动态(&amp;W)</translation>
    </message>
    <message>
        <source>The call-in statement is added after your work news from the month&apos;s assessment.</source>
        <translation>约谈通报一段将根据本月考核结果接在工作动态之后自动生成。</translation>
    </message>
    <message>
        <source>&amp;Export DOCX…</source>
        <translation>导出 DOCX(&amp;E)…</translation>
    </message>
</context>
<context>
    <name>CallbackListModel</name>
    <message>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Replied</source>
        <translation>答复时间</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>承办单位</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>来电人</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>未接通</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重办</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>答复内容</translation>
    </message>
    <message>
        <source>%1 (no callback wanted)</source>
        <translation>%1（不需回访）</translation>
    </message>
</context>
<context>
    <name>CallbackScreen</name>
    <message>
        <source>Record ratings… (Alt+P)</source>
        <translation>记录评价… (Alt+P)</translation>
    </message>
    <message>
        <source>Not reached (Alt+N)</source>
        <translation>未接通 (Alt+N)</translation>
    </message>
    <message>
        <source>Close without callback (Alt+C)</source>
        <translation>不回访办结 (Alt+C)</translation>
    </message>
    <message>
        <source>The callback list (arrow keys choose)</source>
        <translation>回访列表（方向键选择）</translation>
    </message>
    <message>
        <source>Record the ratings</source>
        <translation>记录回访评价</translation>
    </message>
    <message>
        <source>Caller not reached</source>
        <translation>来电人未接通</translation>
    </message>
    <message>
        <source>Close without callback</source>
        <translation>不回访办结</translation>
    </message>
    <message>
        <source>%1 awaiting callback</source>
        <translation>待回访 %1 件</translation>
    </message>
    <message>
        <source>Choose a replied ticket, call the caller back and record how it went.</source>
        <translation>选择已答复的工单，回访来电人并记录结果。</translation>
    </message>
    <message>
        <source>The caller asked not to be called back: close the ticket.</source>
        <translation>来电人不需回访：请直接办结。</translation>
    </message>
    <message>
        <source>Not reached %1 time(s); after %2 the ticket may be closed without callback.</source>
        <translation>已 %1 次未接通；满 %2 次可不回访办结。</translation>
    </message>
    <message>
        <source>A dissatisfied result sends the ticket back to the unit for redo; otherwise it is closed.</source>
        <translation>办理结果不满意将退回承办单位重办；否则办结。</translation>
    </message>
    <message>
        <source>The caller was dissatisfied with the handling result.</source>
        <translation>来电人对办理结果不满意。</translation>
    </message>
</context>
<context>
    <name>CallerHistoryModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>诉求内容</translation>
    </message>
</context>
<context>
    <name>CallerHistoryPanel</name>
    <message>
        <source>Caller history</source>
        <translation>来电历史</translation>
    </message>
    <message>
        <source>No earlier tickets from this number.</source>
        <translation>该号码没有历史工单。</translation>
    </message>
    <message>
        <source>Merge into it (并单, Ctrl+M)</source>
        <translation>并单到该工单 (Ctrl+M)</translation>
    </message>
    <message>
        <source>Add as follow-up (Ctrl+U)</source>
        <translation>追加为补充诉求 (Ctrl+U)</translation>
    </message>
    <message>
        <source>Possible repeat appeal: open ticket %1 (%2, %3) has the same category and caller or address.</source>
        <translation>疑似重复诉求：在办工单 %1（%2，%3）分类相同，来电人或地址相同。</translation>
    </message>
</context>
<context>
    <name>CategoryPicker</name>
    <message>
        <source>Type a name, code or pinyin initials</source>
        <translation>输入名称、编码或拼音首字母</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <source>&amp;Current password:</source>
        <translation>当前密码(&amp;C)：</translation>
    </message>
    <message>
        <source>Enter your current password.</source>
        <translation>请输入当前密码。</translation>
    </message>
    <message>
        <source>The new password must differ from the current one.</source>
        <translation>新密码不能与当前密码相同。</translation>
    </message>
</context>
<context>
    <name>ChannelTableModel</name>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>Answered directly</source>
        <translation>直接答复</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>登记交办</translation>
    </message>
    <message>
        <source>Closed rate</source>
        <translation>办结率</translation>
    </message>
    <message>
        <source>Reply rate</source>
        <translation>回复率</translation>
    </message>
</context>
<context>
    <name>CommandPanel</name>
    <message>
        <source>Confirm</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Confirm (Ctrl+Enter)</source>
        <translation>确定 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Number of the open ticket</source>
        <translation>未办结工单的编号</translation>
    </message>
    <message>
        <source>Merge into</source>
        <translation>并入</translation>
    </message>
    <message>
        <source>Confirm to record this step.</source>
        <translation>确定后记录此环节。</translation>
    </message>
    <message>
        <source>responsible department</source>
        <translation>主管部门</translation>
    </message>
    <message>
        <source>street/town of the place</source>
        <translation>属地街道/乡镇</translation>
    </message>
    <message>
        <source>district of the place</source>
        <translation>属地县区</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>承办单位</translation>
    </message>
    <message>
        <source>Unit asks until</source>
        <translation>单位申请延至</translation>
    </message>
    <message>
        <source>Because</source>
        <translation>申请理由</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>同意</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>不同意</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>审核意见</translation>
    </message>
    <message>
        <source> working days</source>
        <translation> 个工作日</translation>
    </message>
    <message>
        <source>Extend by</source>
        <translation>延长</translation>
    </message>
    <message>
        <source>New deadline</source>
        <translation>新的办结时限</translation>
    </message>
    <message>
        <source>Reason (when denied)</source>
        <translation>理由（不同意时）</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>督办方式</translation>
    </message>
    <message>
        <source>Handle the appeal and reply before the deadline.</source>
        <translation>请于时限内办理并答复。</translation>
    </message>
    <message>
        <source>Required of the unit</source>
        <translation>督办要求</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>督办通知</translation>
    </message>
    <message>
        <source>Handling result</source>
        <translation>办理结果</translation>
    </message>
    <message>
        <source>Service process</source>
        <translation>服务过程</translation>
    </message>
    <message>
        <source>Appeal of the new ticket</source>
        <translation>新工单诉求内容</translation>
    </message>
    <message>
        <source>Demand</source>
        <translation>诉求</translation>
    </message>
</context>
<context>
    <name>CommandRunner</name>
    <message>
        <source>Repeat appeal %1 was merged into this ticket.</source>
        <translation>重复诉求 %1 已并入本工单。</translation>
    </message>
</context>
<context>
    <name>Completeness</name>
    <message>
        <source>Enter the caller&apos;s phone number or mark it as withheld.</source>
        <translation>请输入来电人电话，或勾选“未显示号码”。</translation>
    </message>
    <message>
        <source>Not a valid number: use an 11-digit mobile or a landline with area code.</source>
        <translation>号码无效：请输入11位手机号或带区号的固定电话。</translation>
    </message>
    <message>
        <source>Enter how the caller wants to be addressed, e.g. 张先生.</source>
        <translation>请输入来电人称呼，如“张先生”。</translation>
    </message>
    <message>
        <source>The time of the appeal is missing.</source>
        <translation>缺少诉求时间。</translation>
    </message>
    <message>
        <source>Choose the district, street and community.</source>
        <translation>请选择区县、街道（乡镇）和社区（村）。</translation>
    </message>
    <message>
        <source>Enter the address so the unit can find the place.</source>
        <translation>请输入详细地址，便于承办单位找到现场。</translation>
    </message>
    <message>
        <source>Describe what happened (at least 5 characters).</source>
        <translation>请描述诉求内容（至少5个字）。</translation>
    </message>
    <message>
        <source>The description is too long (at most 2000 characters).</source>
        <translation>诉求内容过长（最多2000字）。</translation>
    </message>
    <message>
        <source>Enter what the caller asks for.</source>
        <translation>请输入来电人的具体诉求。</translation>
    </message>
    <message>
        <source>The demand is too long (at most 500 characters).</source>
        <translation>诉求过长（最多500字）。</translation>
    </message>
    <message>
        <source>Choose a category.</source>
        <translation>请选择诉求分类。</translation>
    </message>
    <message>
        <source>Enter the answer given to the caller.</source>
        <translation>请输入给来电人的答复内容。</translation>
    </message>
    <message>
        <source>The answer is too long (at most 2000 characters).</source>
        <translation>答复内容过长（最多2000字）。</translation>
    </message>
    <message>
        <source>Choose the unit to dispatch to.</source>
        <translation>请选择承办单位。</translation>
    </message>
</context>
<context>
    <name>Domain</name>
    <message>
        <source>12345 hotline</source>
        <translation>12345热线</translation>
    </message>
    <message>
        <source>12315 hotline</source>
        <translation>12315热线</translation>
    </message>
    <message>
        <source>12328 hotline</source>
        <translation>12328热线</translation>
    </message>
    <message>
        <source>12333 hotline</source>
        <translation>12333热线</translation>
    </message>
    <message>
        <source>12348 hotline</source>
        <translation>12348热线</translation>
    </message>
    <message>
        <source>Mayor&apos;s mailbox</source>
        <translation>市长信箱</translation>
    </message>
    <message>
        <source>Web message</source>
        <translation>网络留言</translation>
    </message>
    <message>
        <source>WeChat</source>
        <translation>微信公众号</translation>
    </message>
    <message>
        <source>Mobile app</source>
        <translation>手机客户端</translation>
    </message>
    <message>
        <source>Consultation</source>
        <translation>咨询</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>求助</translation>
    </message>
    <message>
        <source>Complaint</source>
        <translation>投诉</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>举报</translation>
    </message>
    <message>
        <source>Suggestion</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>Praise</source>
        <translation>表扬</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>特急</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>已受理</translation>
    </message>
    <message>
        <source>Answered directly</source>
        <translation>直接答复</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>已派单</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>已签收</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>已退单</translation>
    </message>
    <message>
        <source>Replied</source>
        <translation>已答复</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已办结</translation>
    </message>
    <message>
        <source>Merged</source>
        <translation>已并单</translation>
    </message>
    <message>
        <source>Transferred</source>
        <translation>已转接</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <source>Basically satisfied</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <source>Dissatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <source>Reminder</source>
        <translation>提醒督办</translation>
    </message>
    <message>
        <source>Phone supervision</source>
        <translation>电话督办</translation>
    </message>
    <message>
        <source>Written supervision</source>
        <translation>书面督办</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>话务员</translation>
    </message>
    <message>
        <source>Team lead</source>
        <translation>班长</translation>
    </message>
    <message>
        <source>Handling unit</source>
        <translation>承办单位</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>Failures</name>
    <message>
        <source>The disk holding %1 is full. Free some space, then try again.</source>
        <translation>%1 所在磁盘已满。请腾出空间后重试。</translation>
    </message>
    <message>
        <source>%1 is in use by another program. Close that program, then try again.</source>
        <translation>%1 正被另一个程序占用。请关闭该程序后重试。</translation>
    </message>
    <message>
        <source>%1 cannot be written (read-only or no permission). Ask IT to check the folder.</source>
        <translation>%1 无法写入（只读或没有权限）。请联系信息技术人员检查该文件夹。</translation>
    </message>
    <message>
        <source>Reading or writing %1 failed. Ask IT to check the disk.</source>
        <translation>读写 %1 失败。请联系信息技术人员检查磁盘。</translation>
    </message>
    <message>
        <source>The local database refused the change. Ask IT to check this PC; details are in the log.</source>
        <translation>本机数据库拒绝了此次更改。请联系信息科检查本机；详情见日志。</translation>
    </message>
    <message>
        <source>The server refused what was sent as incomplete or malformed.</source>
        <translation>服务器认为发送的内容不完整或格式有误，未予接受。</translation>
    </message>
    <message>
        <source>The server could not be verified as genuine, so nothing was sent. Ask IT to check the server&apos;s certificate; details are in the log.</source>
        <translation>无法确认服务器的真实身份，未发送任何数据。请联系IT人员检查服务器证书；详情见日志。</translation>
    </message>
    <message>
        <source>The local database %1 cannot be used; details are in the log.</source>
        <translation>本地数据库 %1 无法使用；详情见日志。</translation>
    </message>
    <message>
        <source>Something went wrong that this program did not expect; details are in the log. If it happens again, tell IT.</source>
        <translation>出现了程序未预料的问题；详情见日志。如再次发生，请告知IT人员。</translation>
    </message>
</context>
<context>
    <name>HotspotAlert</name>
    <message>
        <source>Hotspot</source>
        <translation>热点预警</translation>
    </message>
    <message>
        <source>Prepared answer for operators: %1</source>
        <translation>话务员统一答复口径：%1</translation>
    </message>
</context>
<context>
    <name>HotspotBanner</name>
    <message>
        <source>Use the prepared answer (%1)</source>
        <translation>使用统一答复口径（%1）</translation>
    </message>
</context>
<context>
    <name>IntakeForm</name>
    <message>
        <source>Who</source>
        <translation>何人</translation>
    </message>
    <message>
        <source>When</source>
        <translation>何时</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>何地</translation>
    </message>
    <message>
        <source>What</source>
        <translation>何事</translation>
    </message>
    <message>
        <source>Demand</source>
        <translation>诉求</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Mobile, or landline with area code</source>
        <translation>手机号，或带区号的固定电话</translation>
    </message>
    <message>
        <source>Number withheld</source>
        <translation>未显示号码</translation>
    </message>
    <message>
        <source>Caller phone</source>
        <translation>来电号码</translation>
    </message>
    <message>
        <source>e.g. 张先生</source>
        <translation>如：张先生</translation>
    </message>
    <message>
        <source>Caller name</source>
        <translation>来电人</translation>
    </message>
    <message>
        <source>Callback permitted</source>
        <translation>同意回访</translation>
    </message>
    <message>
        <source>Confidential (保密)</source>
        <translation>保密</translation>
    </message>
    <message>
        <source>Appeal type</source>
        <translation>诉求类型</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>详细地址</translation>
    </message>
    <message>
        <source>What happened, where and since when</source>
        <translation>发生了什么、在哪里、从何时开始</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>诉求内容</translation>
    </message>
    <message>
        <source>Answer directly (F9)</source>
        <translation>直接答复 (F9)</translation>
    </message>
    <message>
        <source>Dispatch to a unit (F10)</source>
        <translation>派单到承办单位 (F10)</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>办理方式</translation>
    </message>
    <message>
        <source>The answer given on the call (from the KB)</source>
        <translation>电话中给出的答复（可取自知识库）</translation>
    </message>
    <message>
        <source>✓ complete  ✗ missing  ○ not needed when the call is answered directly</source>
        <translation>✓ 已填  ✗ 缺少  ○ 直接答复时不需要</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>答复内容</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>承办单位</translation>
    </message>
    <message>
        <source>Too long: %1 characters, at most %2. The text was not changed.</source>
        <translation>内容过长：%1 字，最多 %2 字。未作修改。</translation>
    </message>
    <message>
        <source>responsible department</source>
        <translation>主管部门</translation>
    </message>
    <message>
        <source>street/town of the place</source>
        <translation>属地街道（乡镇）</translation>
    </message>
    <message>
        <source>district of the place</source>
        <translation>属地区县</translation>
    </message>
    <message>
        <source>— choose a unit —</source>
        <translation>— 选择承办单位 —</translation>
    </message>
    <message>
        <source>Deadline %1</source>
        <translation>办理时限 %1</translation>
    </message>
    <message>
        <source>Five elements: </source>
        <translation>五要素：</translation>
    </message>
</context>
<context>
    <name>IntakeScreen</name>
    <message>
        <source>Answer directly (F9)</source>
        <translation>直接答复 (F9)</translation>
    </message>
    <message>
        <source>Dispatch (F10)</source>
        <translation>派单 (F10)</translation>
    </message>
    <message>
        <source>Clear (Esc)</source>
        <translation>清空 (Esc)</translation>
    </message>
    <message>
        <source>Submit with the chosen handling</source>
        <translation>按所选办理方式提交</translation>
    </message>
    <message>
        <source>Answer directly and close</source>
        <translation>直接答复并办结</translation>
    </message>
    <message>
        <source>Dispatch to the chosen unit</source>
        <translation>派单到所选单位</translation>
    </message>
    <message>
        <source>Clear the form (asks first)</source>
        <translation>清空表单（先确认）</translation>
    </message>
    <message>
        <source>Caller phone</source>
        <translation>来电号码</translation>
    </message>
    <message>
        <source>Category (type name, code or pinyin initials)</source>
        <translation>诉求分类（输入名称、编码或拼音首字母）</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>诉求内容</translation>
    </message>
    <message>
        <source>Search the knowledge base</source>
        <translation>搜索知识库</translation>
    </message>
    <message>
        <source>Answer taken from the knowledge base: check it, then F9.</source>
        <translation>已从知识库带入答复：请核对后按 F9。</translation>
    </message>
    <message>
        <source>Incoming call from %1</source>
        <translation>来电：%1</translation>
    </message>
    <message>
        <source>Not saved: %1 field(s) need attention.</source>
        <translation>未保存：%1 处需要补充或修改。</translation>
    </message>
    <message>
        <source>Could not save: %1</source>
        <translation>保存失败：%1</translation>
    </message>
    <message>
        <source>Caller history (Enter opens a past ticket)</source>
        <translation>来电历史（回车打开历史工单）</translation>
    </message>
    <message>
        <source>Merge the call into the repeat ticket (并单, asks first)</source>
        <translation>将本次来电并入重复工单（并单，先确认）</translation>
    </message>
    <message>
        <source>Add the call to the repeat ticket as a follow-up</source>
        <translation>将本次来电追加到重复工单作为补充诉求</translation>
    </message>
    <message>
        <source>Call %1</source>
        <translation>通话 %1</translation>
    </message>
    <message>
        <source>Wrap-up %1</source>
        <translation>话后整理 %1</translation>
    </message>
    <message>
        <source>Check the unit (%1) and the deadline, then press F10 again to dispatch.</source>
        <translation>请核对承办单位（%1）和办结时限，再按 F10 派单。</translation>
    </message>
    <message>
        <source>none chosen</source>
        <translation>未选择</translation>
    </message>
    <message>
        <source>Saved %1, dispatched to %2.</source>
        <translation>已保存 %1，已派至 %2。</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <source>Merge the call (并单)</source>
        <translation>并单</translation>
    </message>
    <message>
        <source>Merge this call into %1? It is registered and closed as merged; %1 gets what the caller said as a note.</source>
        <translation>将本次来电并入 %1？本次来电登记后以“已并单”办结，来电人所述内容作为备注记入 %1。</translation>
    </message>
    <message>
        <source>Merged into %1.</source>
        <translation>已并单到 %1。</translation>
    </message>
    <message>
        <source>Added to %1 as a follow-up.</source>
        <translation>已作为补充诉求追加到 %1。</translation>
    </message>
    <message>
        <source>Clear the form</source>
        <translation>清空表单</translation>
    </message>
    <message>
        <source>Discard everything typed in this form?</source>
        <translation>放弃本表单中已填写的全部内容？</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <source>unknown caller</source>
        <translation>未知来电人</translation>
    </message>
    <message>
        <source>An unfinished appeal (%1) was not submitted. Restore it?</source>
        <translation>有一条未提交的诉求（%1），是否恢复？</translation>
    </message>
</context>
<context>
    <name>KbArticleFacts</name>
    <message>
        <source>updated %1</source>
        <translation>更新于 %1</translation>
    </message>
    <message>
        <source>date unknown</source>
        <translation>更新日期不详</translation>
    </message>
    <message>
        <source>no unit</source>
        <translation>无承办单位</translation>
    </message>
    <message>
        <source>often used for similar questions</source>
        <translation>类似问题常用</translation>
    </message>
    <message>
        <source>may be out of date</source>
        <translation>可能已过时</translation>
    </message>
</context>
<context>
    <name>KbPanel</name>
    <message>
        <source>Search the KB: words, pinyin or initials (gjj)…</source>
        <translation>搜索知识库：关键词、拼音或首字母（如 gjj）…</translation>
    </message>
    <message>
        <source>Stop lifting this article for this question</source>
        <translation>此问题不再优先推荐本条</translation>
    </message>
    <message>
        <source>Operators often used this article after similar questions, so it is shown higher. If that is wrong, stop it for this question.</source>
        <translation>话务员在类似问题后常用本条，所以排得靠前。若不合适，可让此问题不再优先推荐它。</translation>
    </message>
    <message>
        <source>This article is no longer lifted for this question.</source>
        <translation>此问题已不再优先推荐该条目。</translation>
    </message>
    <message>
        <source>KB: from the search to the results, open an article</source>
        <translation>知识库：从搜索框进入结果列表，打开条目</translation>
    </message>
    <message>
        <source>KB: use the article as the answer</source>
        <translation>知识库：将条目作为答复内容</translation>
    </message>
    <message>
        <source>Type to search the knowledge base, or type the call&apos;s content.</source>
        <translation>输入关键词搜索知识库，或在诉求内容中输入，自动推荐条目。</translation>
    </message>
    <message>
        <source>No article found for “%1”.</source>
        <translation>未找到与“%1”相关的条目。</translation>
    </message>
    <message numerus="yes">
        <source>%n article(s) found</source>
        <translation>
            <numerusform>找到 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <source>Suggested for what the caller says</source>
        <translation>根据来电内容推荐</translation>
    </message>
</context>
<context>
    <name>KbScreen</name>
    <message>
        <source>Copy the answer (%1)</source>
        <translation>复制答复内容 (%1)</translation>
    </message>
    <message>
        <source>KB: copy the article&apos;s answer</source>
        <translation>知识库：复制条目的答复内容</translation>
    </message>
    <message>
        <source>Answer copied.</source>
        <translation>答复内容已复制。</translation>
    </message>
</context>
<context>
    <name>LocationCascade</name>
    <message>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <source>Street / town</source>
        <translation>街道（乡镇）</translation>
    </message>
    <message>
        <source>Community / village</source>
        <translation>社区（村）</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Sign in — 12345 Hotline Agent</source>
        <translation>登录 — 12345热线坐席</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>服务器(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Work offline</source>
        <translation>离线工作</translation>
    </message>
    <message>
        <source>Enter the server address, starting with https://</source>
        <translation>请输入服务器地址，以 https:// 开头</translation>
    </message>
    <message>
        <source>Enter your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <source>The server could not be verified as genuine, so nothing was sent. This is not a network fault: ask IT to check the server&apos;s certificate and the CA bundle (ca_bundle); details are in the log.</source>
        <translation>无法确认服务器的真实身份，未发送任何数据。这不是网络故障：请联系IT人员检查服务器证书和CA证书包（ca_bundle）；详情见日志。</translation>
    </message>
    <message>
        <source>Cannot reach the server: %1</source>
        <translation>无法连接服务器：%1</translation>
    </message>
    <message>
        <source>Sign-in failed: %1</source>
        <translation>登录失败：%1</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>12345 Hotline Agent</source>
        <translation>12345热线坐席</translation>
    </message>
    <message>
        <source>Take a call</source>
        <translation>受理来电</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>概览</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Knowledge base</source>
        <translation>知识库</translation>
    </message>
    <message>
        <source>Opening the local data…</source>
        <translation>正在打开本地数据…</translation>
    </message>
    <message>
        <source>Unit workbench</source>
        <translation>单位工作台</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>工单队列</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>班长审核</translation>
    </message>
    <message>
        <source>Callbacks</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>User management</source>
        <translation>用户管理</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Sync now</source>
        <translation>立即同步(&amp;S)</translation>
    </message>
    <message>
        <source>Sync &amp;conflicts and refused changes…</source>
        <translation>同步冲突和被拒更改(&amp;C)…</translation>
    </message>
    <message>
        <source>Change &amp;password…</source>
        <translation>修改密码(&amp;P)…</translation>
    </message>
    <message>
        <source>S&amp;witch user (shift handover)…</source>
        <translation>交班换人(&amp;W)…</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>退出登录(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>Export &amp;diagnostics…</source>
        <translation>导出诊断信息(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>Not signed in: the server could not be reached. Calls you take are kept on this computer and sent after you sign in.</source>
        <translation>尚未登录：无法连接服务器。受理的来电保存在本机，登录后发送。</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>登录…</translation>
    </message>
    <message>
        <source>Open the conflicts and refused changes</source>
        <translation>查看同步冲突和被拒更改</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Switch user (shift handover)</source>
        <translation>交班换人</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Export diagnostics</source>
        <translation>导出诊断信息</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Zip 压缩包 (*.zip)</translation>
    </message>
    <message>
        <source>Diagnostics saved to %1</source>
        <translation>诊断信息已保存到 %1</translation>
    </message>
    <message>
        <source>Cannot write %1:
%2</source>
        <translation>无法写入 %1：
%2</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>12345 Hotline Agent, version %1</source>
        <translation>12345热线坐席，版本 %1</translation>
    </message>
    <message>
        <source>● Connecting…</source>
        <translation>● 正在连接…</translation>
    </message>
    <message>
        <source>● Online</source>
        <translation>● 在线</translation>
    </message>
    <message>
        <source>● Offline — changes are kept and sent later</source>
        <translation>● 离线 — 数据已保存，联网后自动发送</translation>
    </message>
    <message>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>Sign in to the server first: a password is changed on the server.</source>
        <translation>请先登录服务器：密码在服务器上修改。</translation>
    </message>
    <message>
        <source>Password changed. Your other sessions have ended; this one goes on.</source>
        <translation>密码已修改。您在其他地方的登录已失效，本机继续有效。</translation>
    </message>
    <message>
        <source>Sending your changes before the handover…</source>
        <translation>交班前正在发送您的修改…</translation>
    </message>
    <message>
        <source>Signed out on this computer; the server could not be told.</source>
        <translation>已在本机退出登录；未能通知服务器。</translation>
    </message>
    <message>
        <source>Handover not possible yet</source>
        <translation>暂时无法交班</translation>
    </message>
    <message>
        <source>The handover failed: %1. Nothing was deleted and you are still signed in.</source>
        <translation>交班失败：%1。没有删除任何内容，您仍处于登录状态。</translation>
    </message>
    <message>
        <source>the server cannot be reached</source>
        <translation>无法连接服务器</translation>
    </message>
    <message>
        <source>you are not signed in to the server</source>
        <translation>您尚未登录服务器</translation>
    </message>
    <message>
        <source>the server did not take them all</source>
        <translation>服务器未全部接收</translation>
    </message>
    <message>
        <source>%1 change(s) made by %2 have not reached the server (%3). They stay on this computer as %2&apos;s work. So that they are never sent under the next user&apos;s name, %2 stays signed in.

Connect to the network and try again, or quit: the changes are sent the next time %2 signs in here. The form being typed is kept as a draft.</source>
        <translation>%2 所做的 %1 项修改尚未送达服务器（%3）。它们作为 %2 的工作保留在本机。为避免以下一位用户的名义发送，%2 保持登录。

请连接网络后重试，或退出程序：下次 %2 在本机登录时会发送这些修改。正在填写的表单已保存为草稿。</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <source>%1 change(s) refused by the server: %2</source>
        <translation>服务器拒绝了 %1 项更改：%2</translation>
    </message>
    <message>
        <source>The server could not be verified as genuine, so nothing is sent; changes are kept. Ask IT to check the server&apos;s certificate and the CA bundle (ca_bundle); details are in the log.</source>
        <translation>无法确认服务器的真实身份，因此不发送任何数据；更改已保留。请联系IT人员检查服务器证书和CA证书包（ca_bundle）；详情见日志。</translation>
    </message>
    <message>
        <source>The server&apos;s answer was not understood; changes are kept and the next sync tries again. If it persists, tell IT.</source>
        <translation>服务器的回答无法识别；本机更改已保留，下次同步时会重试。如持续出现，请联系信息科。</translation>
    </message>
    <message>
        <source>Your sign-in has expired: changes are kept; sign in again to send them.</source>
        <translation>登录已过期：更改已保存，重新登录后发送。</translation>
    </message>
    <message>
        <source>The server is missing earlier changes from this PC. Nothing was deleted; please contact IT.</source>
        <translation>服务器缺少本机之前提交的更改。本地数据未删除，请联系信息技术人员。</translation>
    </message>
    <message>
        <source>Sync failed; changes are kept and the next sync tries again. Details are in the log.</source>
        <translation>同步失败；本机更改已保留，下次同步时会重试。详情见日志。</translation>
    </message>
    <message>
        <source>Sign in again</source>
        <translation>重新登录</translation>
    </message>
    <message>
        <source>Sign in again as %1 to send your changes. To hand the computer over to someone else, use File › Switch user.</source>
        <translation>请以 %1 的身份重新登录以发送您的修改。要把电脑交给他人，请使用“文件 › 交班换人”。</translation>
    </message>
    <message>
        <source>Unsent changes: %1</source>
        <translation>待发送：%1</translation>
    </message>
    <message>
        <source>Never synced</source>
        <translation>尚未同步</translation>
    </message>
    <message>
        <source>Last sync: %1</source>
        <translation>上次同步：%1</translation>
    </message>
    <message>
        <source>Conflicts: %1</source>
        <translation>冲突：%1</translation>
    </message>
</context>
<context>
    <name>Network</name>
    <message>
        <source>City centre</source>
        <translation>市级中心</translation>
    </message>
    <message>
        <source>District dispatch centre</source>
        <translation>县（市、区）调度中心</translation>
    </message>
    <message>
        <source>Street service centre</source>
        <translation>街道（乡镇）服务中心</translation>
    </message>
    <message>
        <source>Community station</source>
        <translation>社区工作站</translation>
    </message>
</context>
<context>
    <name>OverviewScreen</name>
    <message>
        <source>Start of shift</source>
        <translation>班前概览</translation>
    </message>
    <message>
        <source>Each figure opens the ticket queue on those tickets (click, or Alt+number).</source>
        <translation>点击数字（或按 Alt+序号）打开对应的工单列表。</translation>
    </message>
    <message>
        <source>This computer holds %1 tickets, %2 drafts and %3 KB articles.</source>
        <translation>本机缓存工单 %1 件、草稿 %2 份、知识条目 %3 条。</translation>
    </message>
</context>
<context>
    <name>PasswordPolicy</name>
    <message>
        <source>The password needs at least {minimum} characters.</source>
        <translation>密码至少需要 {minimum} 个字符。</translation>
    </message>
    <message>
        <source>The password may have at most {maximum} characters.</source>
        <translation>密码最多 {maximum} 个字符。</translation>
    </message>
    <message>
        <source>The password must not contain the user name.</source>
        <translation>密码不能包含用户名。</translation>
    </message>
    <message>
        <source>Mix at least two kinds of characters: letters, digits, other signs.</source>
        <translation>密码须至少包含两类字符：字母、数字、其他符号。</translation>
    </message>
    <message>
        <source>The password must not contain control characters.</source>
        <translation>密码不能包含控制字符。</translation>
    </message>
</context>
<context>
    <name>ProblemsModel</name>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Set aside when pulled</source>
        <translation>接收时已隔离</translation>
    </message>
    <message>
        <source>Overruled by the server</source>
        <translation>以服务器为准</translation>
    </message>
    <message>
        <source>Refused by the server</source>
        <translation>服务器拒绝</translation>
    </message>
</context>
<context>
    <name>ProposalPanel</name>
    <message>
        <source>Proposed from the content — one key accepts</source>
        <translation>根据诉求内容的智能建议——按一个键即可采用</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QueueColumn</name>
    <message>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>来电人</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>承办单位</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办结时限</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重办</translation>
    </message>
    <message>
        <source>Supervision</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
</context>
<context>
    <name>QueueScreen</name>
    <message>
        <source>Filter: ticket number, caller, category, unit, address…</source>
        <translation>筛选：工单号、来电人、分类、承办单位、地址…</translation>
    </message>
    <message>
        <source>Filter the tickets (Enter: to the list)</source>
        <translation>筛选工单（回车：转到列表）</translation>
    </message>
    <message>
        <source>Saved views (arrow keys choose)</source>
        <translation>常用视图（方向键选择）</translation>
    </message>
    <message>
        <source>The ticket list (arrow keys choose a ticket)</source>
        <translation>工单列表（方向键选择工单）</translation>
    </message>
    <message>
        <source>Could not read the tickets: %1</source>
        <translation>无法读取工单：%1</translation>
    </message>
    <message>
        <source>Reading the tickets…</source>
        <translation>正在读取工单…</translation>
    </message>
    <message>
        <source>Reading the tickets… %1 of %2</source>
        <translation>正在读取工单… %1 / %2</translation>
    </message>
    <message>
        <source>%1 shown</source>
        <translation>显示 %1 件</translation>
    </message>
</context>
<context>
    <name>Refusal</name>
    <message>
        <source>Not signed in: sign in again.</source>
        <translation>未登录：请重新登录。</translation>
    </message>
    <message>
        <source>The sign-in has expired: sign in again.</source>
        <translation>登录已过期：请重新登录。</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <source>Your role may not do this.</source>
        <translation>您的角色无权进行此操作。</translation>
    </message>
    <message>
        <source>Too many failed sign-ins: try again in %1 seconds.</source>
        <translation>登录失败次数过多，请 %1 秒后再试。</translation>
    </message>
    <message>
        <source>There is no user %1.</source>
        <translation>没有用户 %1。</translation>
    </message>
    <message>
        <source>A user name has only letters, digits and _ . - and at most 64 characters.</source>
        <translation>用户名只能由字母、数字和 _ . - 组成，最多 64 个字符。</translation>
    </message>
    <message>
        <source>A display name has 1 to 64 characters.</source>
        <translation>显示名称须为 1 到 64 个字符。</translation>
    </message>
    <message>
        <source>A handling unit&apos;s account needs the unit&apos;s code from the unit directory (--unit).</source>
        <translation>承办单位账号须填写单位目录中的单位编码（--unit）。</translation>
    </message>
    <message>
        <source>Only a handling unit&apos;s account has a unit code.</source>
        <translation>只有承办单位账号才能填写单位编码。</translation>
    </message>
    <message>
        <source>The user name %1 is taken already.</source>
        <translation>用户名 %1 已存在。</translation>
    </message>
    <message>
        <source>You cannot disable the account you are signed in with.</source>
        <translation>不能停用自己正在使用的账号。</translation>
    </message>
    <message>
        <source>The old password is wrong.</source>
        <translation>原密码不正确。</translation>
    </message>
    <message>
        <source>The password was changed just now: sign in again, then try again.</source>
        <translation>密码刚被修改，请重新登录后再试。</translation>
    </message>
    <message>
        <source>The old password was wrong too many times: try again in %1 seconds.</source>
        <translation>原密码输错次数过多，请 %1 秒后再试。</translation>
    </message>
    <message>
        <source>Changes are sent too often: try again in %1 seconds.</source>
        <translation>提交过于频繁，请 %1 秒后再试。</translation>
    </message>
    <message>
        <source>This computer&apos;s sync id belongs to another user: sign in again.</source>
        <translation>本机的同步标识属于另一位用户：请重新登录。</translation>
    </message>
    <message>
        <source>The local copy is too old: it is downloaded again.</source>
        <translation>本地数据过旧：正在重新下载。</translation>
    </message>
    <message>
        <source>The server was restored from a backup: the local copy is downloaded again.</source>
        <translation>服务器已从备份恢复：本地数据正在重新下载。</translation>
    </message>
    <message>
        <source>The server was restored from a backup: the local copy is downloaded again, then unsent changes are sent.</source>
        <translation>服务器已从备份恢复：本地数据正在重新下载，之后发送未发送的更改。</translation>
    </message>
    <message>
        <source>Your client has seen more than the server holds: resync from scratch.</source>
        <translation>你的客户端记录超前于服务器：请从头重新同步。</translation>
    </message>
    <message>
        <source>Too much at once for the server (at most 1 MiB).</source>
        <translation>一次提交的数据过多（最多 1 MiB）。</translation>
    </message>
    <message>
        <source>The address must not contain NUL characters.</source>
        <translation>地址中不能含有 NUL 字符。</translation>
    </message>
    <message>
        <source>Each date may appear only once.</source>
        <translation>每个日期只能出现一次。</translation>
    </message>
    <message>
        <source>No ticket %1.</source>
        <translation>没有工单 %1。</translation>
    </message>
    <message>
        <source>This account is not linked to a handling unit.</source>
        <translation>该账号未关联承办单位。</translation>
    </message>
    <message>
        <source>The deadline needs a time zone.</source>
        <translation>期限需要带时区。</translation>
    </message>
    <message>
        <source>The requested deadline needs a time zone.</source>
        <translation>申请的办结时限需要带时区。</translation>
    </message>
    <message>
        <source>A unit submits knowledge articles for itself only.</source>
        <translation>承办单位只能报送本单位的知识点。</translation>
    </message>
    <message>
        <source>Article %1 belongs to another unit.</source>
        <translation>知识条目 %1 属于其他单位。</translation>
    </message>
    <message>
        <source>No article %1.</source>
        <translation>没有知识条目 %1。</translation>
    </message>
    <message>
        <source>No draft %1.</source>
        <translation>没有草稿 %1。</translation>
    </message>
    <message>
        <source>Draft %1 has been decided already.</source>
        <translation>草稿 %1 已经处理过了。</translation>
    </message>
    <message>
        <source>Say why the draft is sent back: the unit reads the note.</source>
        <translation>请写明退回草稿的理由：单位会看到这条说明。</translation>
    </message>
</context>
<context>
    <name>ReportCharts</name>
    <message>
        <source>Tickets by category</source>
        <translation>各类诉求件数</translation>
    </message>
    <message>
        <source>Satisfaction per unit (%)</source>
        <translation>各单位满意率（%）</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>工单数</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>办理结果</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>服务过程</translation>
    </message>
</context>
<context>
    <name>ReportsScreen</name>
    <message>
        <source>The month to report (Beijing time)</source>
        <translation>统计月份（北京时间）</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Export &amp;XLSX…</source>
        <translation>导出 &amp;XLSX…</translation>
    </message>
    <message>
        <source>Export &amp;CSV…</source>
        <translation>导出 &amp;CSV…</translation>
    </message>
    <message>
        <source>Export &amp;JSON…</source>
        <translation>导出 &amp;JSON…</translation>
    </message>
    <message>
        <source>&amp;Bulletin…</source>
        <translation>通报(&amp;B)…</translation>
    </message>
    <message>
        <source>Write the month&apos;s cases and work news, then export the bulletin as DOCX</source>
        <translation>填写本月案例摘登和工作动态，然后将通报导出为 DOCX</translation>
    </message>
    <message>
        <source>&amp;Adjust score…</source>
        <translation>加分/扣分(&amp;A)…</translation>
    </message>
    <message>
        <source>加分/扣分 for the selected unit, with the reason (leads and admins)</source>
        <translation>为选中的单位加分或扣分并写明理由（班长、管理员）</translation>
    </message>
    <message>
        <source>Appeal type</source>
        <translation>诉求类型</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>一级分类</translation>
    </message>
    <message>
        <source>Hot topic</source>
        <translation>热点问题</translation>
    </message>
    <message>
        <source>Month:</source>
        <translation>月份：</translation>
    </message>
    <message>
        <source>Ranked by assessment score within the group; equal scores share a rank (1, 1, 3); units with fewer than %1 tickets are listed but not ranked.</source>
        <translation>按考核总分在本组内排名，同分同名次（1、1、3）；工单量小于%1件的单位列出但不计入排名。</translation>
    </message>
    <message>
        <source>Call-in: the last %1 ranked unit(s) below %2 of the group&apos;s top score (%3 × %2 = %4).</source>
        <translation>约谈：排名最后%1名且低于本组最高分%2（%3 × %2 = %4分）的单位。</translation>
    </message>
    <message>
        <source>No call-in rule for this group.</source>
        <translation>本组无约谈规则。</translation>
    </message>
    <message>
        <source>Other units</source>
        <translation>其他单位</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <source>Computing the report for %1…</source>
        <translation>正在统计 %1 的报表…</translation>
    </message>
    <message>
        <source>The report could not be computed: %1</source>
        <translation>报表统计失败：%1</translation>
    </message>
    <message>
        <source>No tickets in %1: there is nothing to assess or rank this month.</source>
        <translation>%1 没有工单：本月无可考核、排名的数据。</translation>
    </message>
    <message>
        <source>No tickets in %1.</source>
        <translation>%1 没有工单。</translation>
    </message>
    <message>
        <source>%1: %2 units</source>
        <translation>%1：%2 个承办单位</translation>
    </message>
    <message>
        <source>Contacts %1 · answered directly %2 · dispatched %3 · received by units %4 · overdue %5 · redo %6 · result satisfaction %7 · process satisfaction %8</source>
        <translation>受理 %1 · 直接答复 %2 · 登记交办 %3 · 承办件数 %4 · 超期 %5 · 重办 %6 · 办理结果满意率 %7 · 服务过程满意率 %8</translation>
    </message>
    <message>
        <source>Not surveyed</source>
        <translation>未抽访</translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation>导出报表</translation>
    </message>
    <message>
        <source>Saving %1…</source>
        <translation>正在保存 %1…</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>Finding the tickets behind %1…</source>
        <translation>正在查找 %1 对应的工单…</translation>
    </message>
    <message>
        <source>The tickets could not be found: %1</source>
        <translation>无法查找工单：%1</translation>
    </message>
    <message>
        <source>Choose a unit in a group&apos;s table first.</source>
        <translation>请先在分组表格中选择一个单位。</translation>
    </message>
    <message>
        <source>The adjustment was not kept: %1</source>
        <translation>加减分未保存：%1</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <source>Set new password</source>
        <translation>设置新密码</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <source>Set password</source>
        <translation>设置密码</translation>
    </message>
    <message>
        <source>This account no longer exists.</source>
        <translation>该账号已不存在。</translation>
    </message>
</context>
<context>
    <name>ReviewListModel</name>
    <message>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>承办单位</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办结时限</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>情况</translation>
    </message>
    <message>
        <source>returned %1: %2</source>
        <translation>%1 退单：%2</translation>
    </message>
    <message>
        <source>asks until %1: %2</source>
        <translation>申请延至 %1：%2</translation>
    </message>
    <message>
        <source>not supervised yet</source>
        <translation>未督办</translation>
    </message>
    <message>
        <source>not accepted since %1 · %2</source>
        <translation>%1 派单后未签收 · %2</translation>
    </message>
    <message>
        <source>redone %1 times · %2</source>
        <translation>已重办 %1 次 · %2</translation>
    </message>
    <message>
        <source>overdue · %1</source>
        <translation>已超期 · %1</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <source>Returned</source>
        <translation>退单</translation>
    </message>
    <message>
        <source>Extension requests</source>
        <translation>延期申请</translation>
    </message>
    <message>
        <source>Overdue / not accepted</source>
        <translation>超期/未签收</translation>
    </message>
    <message>
        <source>Redone twice</source>
        <translation>两次重办</translation>
    </message>
    <message>
        <source>Could not read the worklists: %1</source>
        <translation>无法读取待办列表：%1</translation>
    </message>
</context>
<context>
    <name>RiskAlert</name>
    <message>
        <source>Risk words in a new appeal</source>
        <translation>新诉求中出现风险词</translation>
    </message>
    <message>
        <source>%1 (%2): %3</source>
        <translation>%1（%2）：%3</translation>
    </message>
</context>
<context>
    <name>SavedView</name>
    <message>
        <source>All tickets</source>
        <translation>全部工单</translation>
    </message>
    <message>
        <source>My tickets</source>
        <translation>我的工单</translation>
    </message>
    <message>
        <source>Registered today</source>
        <translation>今日受理</translation>
    </message>
    <message>
        <source>Answered directly today</source>
        <translation>今日直接答复</translation>
    </message>
    <message>
        <source>My open tickets</source>
        <translation>我的在办</translation>
    </message>
    <message>
        <source>Due within 2 hours</source>
        <translation>两小时内到期</translation>
    </message>
    <message>
        <source>Unsent</source>
        <translation>未发送</translation>
    </message>
    <message>
        <source>Drafts</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <source>Due today</source>
        <translation>今日到期</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>退单</translation>
    </message>
    <message>
        <source>Extension requests</source>
        <translation>延期申请</translation>
    </message>
    <message>
        <source>Awaiting callback</source>
        <translation>待回访</translation>
    </message>
    <message>
        <source>Redone twice</source>
        <translation>两次重办</translation>
    </message>
</context>
<context>
    <name>ServerMessage</name>
    <message>
        <source>This user name is taken already.</source>
        <translation>该用户名已被使用。</translation>
    </message>
    <message>
        <source>cannot connect to the server (check the network cable or Wi-Fi, or ask IT whether the server is running)</source>
        <translation>无法连接服务器（请检查网线或无线网络，或联系信息科确认服务器是否运行）</translation>
    </message>
    <message>
        <source>the server did not answer in time</source>
        <translation>服务器未及时响应</translation>
    </message>
    <message>
        <source>the server&apos;s answer was not understood (the next sync tries again; if it persists, tell IT)</source>
        <translation>服务器的回答无法识别（下次同步会重试；如持续出现，请联系信息科）</translation>
    </message>
    <message>
        <source>The server answered with error %1.</source>
        <translation>服务器返回错误 %1。</translation>
    </message>
</context>
<context>
    <name>ShareTableModel</name>
    <message>
        <source>Tickets</source>
        <translation>数量（件）</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>占比</translation>
    </message>
</context>
<context>
    <name>SmartIntake</name>
    <message>
        <source>Same place (%1) and same problem (%2) as an open ticket from another caller, registered %3</source>
        <translation>与其他来电人尚未办结的工单地点相同（%1）、问题相同（%2），该工单登记于%3</translation>
    </message>
    <message>
        <source>%1 calls about %2 in %3 since %4</source>
        <translation>自%4起，%3已有%1起关于“%2”的来电</translation>
    </message>
    <message>
        <source>We already know about the %1 problem in %2: %3 residents have reported it and it has been passed to the responsible unit. We will add your call to it and you will be told when it is resolved.</source>
        <translation>关于%2的“%1”问题，我们已经掌握情况：已有%3位市民反映，并已转交责任单位处理。我们会把您的来电一并登记，处理结果会及时告知您。</translation>
    </message>
</context>
<context>
    <name>SmartIntakeProposals</name>
    <message>
        <source>Accept the proposed category (best first)</source>
        <translation>采用建议的分类（按可能性排序）</translation>
    </message>
    <message>
        <source>Accept the proposed place</source>
        <translation>采用建议的地点</translation>
    </message>
    <message>
        <source>Accept the phone number found in the content</source>
        <translation>采用诉求内容中的电话号码</translation>
    </message>
    <message>
        <source>Accept the caller&apos;s form of address</source>
        <translation>采用来电人称呼</translation>
    </message>
    <message>
        <source>Raise the urgency (risk words in the content)</source>
        <translation>提高紧急程度（诉求内容含风险词）</translation>
    </message>
    <message>
        <source>Merge into the open ticket about the same matter</source>
        <translation>并入同一事项的未办结工单</translation>
    </message>
    <message>
        <source>Use the prepared answer of the hotspot</source>
        <translation>使用热点的统一答复口径</translation>
    </message>
    <message>
        <source>Place: %1</source>
        <translation>地点：%1</translation>
    </message>
    <message>
        <source>Phone: %1</source>
        <translation>电话：%1</translation>
    </message>
    <message>
        <source>Caller: %1</source>
        <translation>来电人：%1</translation>
    </message>
    <message>
        <source>Risk words (%1): raise the urgency to critical</source>
        <translation>风险词（%1）：建议紧急程度设为特急</translation>
    </message>
    <message>
        <source>Same matter as %1 — %2</source>
        <translation>与%1为同一事项——%2</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Local database damaged</source>
        <translation>本地数据库已损坏</translation>
    </message>
    <message>
        <source>The local database %1 is encrypted and cannot be opened on this computer now. It is left as it is; ask IT (details are in the log).</source>
        <translation>本地数据库 %1 已加密，目前无法在本机打开。文件保持原样，请联系信息科（详情见日志）。</translation>
    </message>
    <message>
        <source>The local database cannot be used (details are in the log):
%1

Move it aside and start with an empty local cache? The file is kept, not deleted; data from the server is downloaded again at the next sync.</source>
        <translation>本地数据库无法使用（详情见日志）：
%1

是否将其移到一旁并以空的本地缓存启动？原文件会保留，不会删除；服务器上的数据将在下次同步时重新下载。</translation>
    </message>
    <message>
        <source>Move aside and resync</source>
        <translation>移到一旁并重新同步</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Cannot use the folder %1:
%2</source>
        <translation>无法使用文件夹 %1：
%2</translation>
    </message>
    <message>
        <source>Changes of %1 not sent yet</source>
        <translation>%1 的修改尚未发送</translation>
    </message>
    <message>
        <source>%1 change(s) made by %2 on this computer have not reached the server yet. They are kept, as %2&apos;s. Before anyone else signs in here, %2 signs in once while the server can be reached, and they are sent.</source>
        <translation>%2 在本机所做的 %1 项修改尚未送达服务器，已作为 %2 的修改保留。在其他人于本机登录之前，需由 %2 在能连接服务器时登录一次，这些修改即会发送。</translation>
    </message>
    <message>
        <source>Start-up failed</source>
        <translation>启动失败</translation>
    </message>
    <message>
        <source>The app could not start: %1</source>
        <translation>无法启动：%1</translation>
    </message>
    <message>
        <source>Local database</source>
        <translation>本地数据库</translation>
    </message>
</context>
<context>
    <name>SupervisionNotice</name>
    <message>
        <source>Reminder to {unit}: ticket {ticket} ({category}) is due {deadline}. Please handle it and reply in time. Required: {required}</source>
        <translation>督办提醒：{unit}，工单 {ticket}（{category}）办结时限为 {deadline}，请抓紧办理并按时答复。督办要求：{required}</translation>
    </message>
    <message>
        <source>Phone supervision of {unit}: ticket {ticket} ({category}), due {deadline}, has been reminded before and is still not settled. Required: {required}</source>
        <translation>电话督办：{unit}，工单 {ticket}（{category}）办结时限为 {deadline}，经提醒后仍未办结。督办要求：{required}</translation>
    </message>
    <message>
        <source>Written supervision notice to {unit}: ticket {ticket} ({category}), due {deadline}, remains unresolved after reminder and phone supervision. The unit is required to report in writing. Required: {required}</source>
        <translation>书面督办通知：{unit}，工单 {ticket}（{category}）办结时限为 {deadline}，经提醒和电话督办后仍未解决，请书面报告办理情况。督办要求：{required}</translation>
    </message>
</context>
<context>
    <name>SyncProblemsDialog</name>
    <message>
        <source>Sync conflicts and refused changes</source>
        <translation>同步冲突和被拒更改</translation>
    </message>
    <message>
        <source>Nothing to look at: every change was accepted.</source>
        <translation>没有需要处理的问题：所有更改均已被接受。</translation>
    </message>
    <message>
        <source>Mark as seen</source>
        <translation>标记为已查看</translation>
    </message>
    <message>
        <source>Ticket %1 (server version %2) could not be stored on this PC:</source>
        <translation>工单 %1（服务器版本 %2）无法保存到本机：</translation>
    </message>
    <message>
        <source>The other tickets arrived. Tell IT: the server holds a ticket in a shape this version cannot read.</source>
        <translation>其他工单已正常接收。请告知信息科：服务器上有一件本版本无法读取的工单。</translation>
    </message>
    <message>
        <source>Ticket %1: the server&apos;s version was kept. Your version:</source>
        <translation>工单 %1：已保留服务器版本。本机版本：</translation>
    </message>
    <message>
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Change %1 (%2) to %3 was refused:</source>
        <translation>更改 %1（%2，对象 %3）被拒绝：</translation>
    </message>
</context>
<context>
    <name>SyncState</name>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Unsent</source>
        <translation>未发送</translation>
    </message>
    <message>
        <source>Synced</source>
        <translation>已同步</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
</context>
<context>
    <name>TicketCommand</name>
    <message>
        <source>Your role may not do this.</source>
        <translation>您的角色无权进行此操作。</translation>
    </message>
    <message>
        <source>The ticket has moved on: this action does not apply to it any more.</source>
        <translation>工单状态已变化，此操作已不适用。</translation>
    </message>
    <message>
        <source>The command names another ticket.</source>
        <translation>操作所指的工单不符。</translation>
    </message>
    <message>
        <source>Choose the unit to dispatch to.</source>
        <translation>请选择承办单位。</translation>
    </message>
    <message>
        <source>Re-dispatch needs a different unit; to send it back, reject the return.</source>
        <translation>改派须选择其他单位；如需退回原单位，请驳回退单。</translation>
    </message>
    <message>
        <source>Give a reason of 2 to 500 characters.</source>
        <translation>请填写2至500字的理由。</translation>
    </message>
    <message>
        <source>Enter a text of 5 to 2000 characters.</source>
        <translation>请输入5至2000字的内容。</translation>
    </message>
    <message>
        <source>Enter a note of 1 to 2500 characters.</source>
        <translation>请输入1至2500字的备注。</translation>
    </message>
    <message>
        <source>Name another open ticket.</source>
        <translation>请填写另一件未办结工单的编号。</translation>
    </message>
    <message>
        <source>Record both ratings: handling result and service process.</source>
        <translation>请同时记录办理结果和服务过程的评价。</translation>
    </message>
    <message>
        <source>Close only after a satisfied callback, after three unanswered callbacks, or when the caller declined callbacks.</source>
        <translation>须回访满意、三次未接通或来电人不需回访后方可办结。</translation>
    </message>
    <message>
        <source>The caller was dissatisfied with the result: send it back for redo.</source>
        <translation>来电人对办理结果不满意，请退回重办。</translation>
    </message>
    <message>
        <source>Operators send a ticket back only after a dissatisfied callback; ask the team lead.</source>
        <translation>话务员仅在回访不满意后可退回重办，请联系班长。</translation>
    </message>
    <message>
        <source>There is no extension request waiting for a decision.</source>
        <translation>没有待审核的延期申请。</translation>
    </message>
    <message>
        <source>An approved extension needs 1 to 60 working days, or a deadline after the current one.</source>
        <translation>同意延期须延长1至60个工作日，或晚于当前时限的新时限。</translation>
    </message>
    <message>
        <source>The new deadline has already passed: extend by more working days, or deny.</source>
        <translation>新的办结时限已经过去：请延长更多工作日，或不予批准。</translation>
    </message>
    <message>
        <source>Decide: approved or denied.</source>
        <translation>请选择同意或不同意。</translation>
    </message>
    <message>
        <source>Ask for a deadline after the current one.</source>
        <translation>申请的时限须晚于当前时限。</translation>
    </message>
    <message>
        <source>Supervision goes up one step at a time: reminder, then phone, then written.</source>
        <translation>督办须逐级进行：提醒、电话、书面。</translation>
    </message>
    <message>
        <source>The supervision notice is empty or too long.</source>
        <translation>督办通知为空或过长。</translation>
    </message>
    <message>
        <source>The command is malformed.</source>
        <translation>操作数据有误。</translation>
    </message>
    <message>
        <source>Transfer to 110, 119, 120, 122, 12315, 12328, 12333 or 12348.</source>
        <translation>只能转接至110、119、120、122、12315、12328、12333或12348。</translation>
    </message>
    <message>
        <source>This ticket was passed down to your unit: reply or return it to the unit above.</source>
        <translation>此工单由上级单位下派：请向上级单位回复或退回。</translation>
    </message>
    <message>
        <source>This ticket was not passed down to your unit from a unit above.</source>
        <translation>此工单不是上级单位下派给本单位的。</translation>
    </message>
    <message>
        <source>The reply of the unit below waits for your review first.</source>
        <translation>下级单位的回复正等待您审核，请先审核。</translation>
    </message>
    <message>
        <source>There is no reply from a unit below waiting for review.</source>
        <translation>没有待审核的下级单位回复。</translation>
    </message>
    <message>
        <source>Accept the reply, or send it back with a reason.</source>
        <translation>请采纳回复，或填写理由后退回重办。</translation>
    </message>
    <message>
        <source>A deadline for the unit below may be shorter than the one from above, not longer.</source>
        <translation>给下级单位的办理时限只能短于上级时限，不能更长。</translation>
    </message>
    <message>
        <source>Choose a return reason from the list.</source>
        <translation>请从列表中选择退回理由。</translation>
    </message>
    <message>
        <source>The time for a return after receipt has passed: handle the ticket or ask the centre.</source>
        <translation>已超过签收后可退回的时限：请办理此工单或联系中心。</translation>
    </message>
    <message>
        <source>Name an assisting unit other than the lead unit, not named already.</source>
        <translation>请指定一个不同于牵头单位且尚未指定的协办单位。</translation>
    </message>
    <message>
        <source>Your unit is not an assisting unit of this ticket.</source>
        <translation>本单位不是此工单的协办单位。</translation>
    </message>
    <message>
        <source>Your unit assists on this ticket: send your reply to the lead unit.</source>
        <translation>本单位是此工单的协办单位：请向牵头单位回复。</translation>
    </message>
    <message>
        <source>This ticket was passed on to a unit below yours; it is that unit&apos;s to act on now.</source>
        <translation>此工单已下派给下级单位，现由该单位办理。</translation>
    </message>
    <message>
        <source>This ticket is not your unit&apos;s.</source>
        <translation>此工单不属于本单位。</translation>
    </message>
    <message>
        <source>That unit is not part of the hotline network below this one.</source>
        <translation>该单位不在本单位下级的热线网络中。</translation>
    </message>
    <message>
        <source>A ticket is passed down only: the chosen unit is not below yours. Reply or return it to the unit above instead.</source>
        <translation>工单只能向下派发：所选单位不是本单位的下级。请改为向上级单位回复或退回。</translation>
    </message>
    <message>
        <source>The chosen unit belongs to another area: pass down within your own.</source>
        <translation>所选单位属于其他辖区：只能在本辖区内下派。</translation>
    </message>
    <message>
        <source>Pass a ticket down one level at a time.</source>
        <translation>工单只能逐级下派。</translation>
    </message>
</context>
<context>
    <name>TicketCommandLabel</name>
    <message>
        <source>Register</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>Answer directly</source>
        <translation>直接答复</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>派单</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>签收</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>退单</translation>
    </message>
    <message>
        <source>Approve return and re-dispatch</source>
        <translation>同意退单并改派</translation>
    </message>
    <message>
        <source>Reject return</source>
        <translation>驳回退单</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>答复</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Send back for redo</source>
        <translation>退回重办</translation>
    </message>
    <message>
        <source>Merge into another ticket</source>
        <translation>并单</translation>
    </message>
    <message>
        <source>Request extension</source>
        <translation>申请延期</translation>
    </message>
    <message>
        <source>Supervise</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Callback not reached</source>
        <translation>回访未接通</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <source>Record callback</source>
        <translation>记录回访</translation>
    </message>
    <message>
        <source>Decide extension request</source>
        <translation>审核延期申请</translation>
    </message>
    <message>
        <source>Split off a ticket</source>
        <translation>拆单</translation>
    </message>
    <message>
        <source>Transfer the call</source>
        <translation>转接</translation>
    </message>
    <message>
        <source>Pass down</source>
        <translation>下派</translation>
    </message>
    <message>
        <source>Reply to the unit above</source>
        <translation>向上级回复</translation>
    </message>
    <message>
        <source>Return to the unit above</source>
        <translation>退回上级</translation>
    </message>
    <message>
        <source>Review the reply from below</source>
        <translation>审核下级回复</translation>
    </message>
    <message>
        <source>Add an assisting unit</source>
        <translation>增加协办单位</translation>
    </message>
    <message>
        <source>Reply to the lead unit</source>
        <translation>向牵头单位回复</translation>
    </message>
</context>
<context>
    <name>TicketDetailView</name>
    <message>
        <source>Add a note (notes are kept, never edited)</source>
        <translation>添加备注（备注只增不改）</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <source>Choose a ticket to see it here.</source>
        <translation>选择工单后在此查看详情。</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>办理过程</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Type / urgency</source>
        <translation>类型/紧急程度</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>来电人</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Appeal</source>
        <translation>诉求内容</translation>
    </message>
    <message>
        <source>Demand</source>
        <translation>诉求</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>承办单位</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办结时限</translation>
    </message>
    <message>
        <source>Answer / reply</source>
        <translation>答复</translation>
    </message>
    <message>
        <source>Redo count</source>
        <translation>重办次数</translation>
    </message>
    <message>
        <source>Supervision</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Linked tickets</source>
        <translation>关联工单</translation>
    </message>
    <message>
        <source>Changed by %1 just now (%2, %3): check before you act.</source>
        <translation>%1 刚刚更新了本工单（%2，%3）：请先核对再操作。</translation>
    </message>
    <message>
        <source>Refused by the server: %1</source>
        <translation>服务器拒绝：%1</translation>
    </message>
    <message>
        <source>Redone twice: the team lead should look at this ticket.</source>
        <translation>已两次重办：请班长关注此工单。</translation>
    </message>
    <message>
        <source>%1 (confidential: never shown to units)</source>
        <translation>%1（保密：不向承办单位显示）</translation>
    </message>
    <message>
        <source>merged into %1</source>
        <translation>已并入 %1</translation>
    </message>
    <message>
        <source>merged from %1</source>
        <translation>由 %1 并入</translation>
    </message>
    <message>
        <source>Add a note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <source>Confirm the open action form</source>
        <translation>确定当前打开的操作</translation>
    </message>
    <message>
        <source>Cancel the open action form</source>
        <translation>取消当前打开的操作</translation>
    </message>
</context>
<context>
    <name>TicketEvent</name>
    <message>
        <source>Registered</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>Answered directly</source>
        <translation>直接答复</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>派单</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>签收</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>退单</translation>
    </message>
    <message>
        <source>Return rejected</source>
        <translation>驳回退单</translation>
    </message>
    <message>
        <source>Replied</source>
        <translation>答复</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Sent back for redo</source>
        <translation>重办</translation>
    </message>
    <message>
        <source>Merged</source>
        <translation>并单</translation>
    </message>
    <message>
        <source>Extension</source>
        <translation>延期</translation>
    </message>
    <message>
        <source>Supervised</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Callback</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>拆单</translation>
    </message>
    <message>
        <source>Transferred</source>
        <translation>已转接</translation>
    </message>
    <message>
        <source>Passed down</source>
        <translation>已下派</translation>
    </message>
    <message>
        <source>Replied to the unit above</source>
        <translation>已向上级回复</translation>
    </message>
    <message>
        <source>Returned to the unit above</source>
        <translation>已退回上级</translation>
    </message>
    <message>
        <source>Reply from below reviewed</source>
        <translation>已审核下级回复</translation>
    </message>
    <message>
        <source>Assisting unit named</source>
        <translation>已指定协办单位</translation>
    </message>
    <message>
        <source>Assisting unit replied</source>
        <translation>协办单位已回复</translation>
    </message>
    <message>
        <source>Missed call</source>
        <translation>漏接来电</translation>
    </message>
    <message>
        <source>Missed call called back</source>
        <translation>漏接已回拨</translation>
    </message>
</context>
<context>
    <name>TicketListDialog</name>
    <message>
        <source>Tickets: %1</source>
        <translation>工单 %1 件</translation>
    </message>
</context>
<context>
    <name>TicketRowsModel</name>
    <message>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Appeal type</source>
        <translation>诉求类型</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
</context>
<context>
    <name>TimeLeft</name>
    <message>
        <source>overdue %1 working day(s)</source>
        <translation>超期 %1 个工作日</translation>
    </message>
    <message>
        <source>%1 working day(s) left</source>
        <translation>剩余 %1 个工作日</translation>
    </message>
    <message>
        <source>overdue %1 working day(s) %2 h</source>
        <translation>超期 %1 个工作日 %2 小时</translation>
    </message>
    <message>
        <source>%1 working day(s) %2 h left</source>
        <translation>剩余 %1 个工作日 %2 小时</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <source>due after working hours</source>
        <translation>非工作时间内到期</translation>
    </message>
    <message>
        <source>overdue %1 h %2 min</source>
        <translation>超期 %1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 h %2 min left</source>
        <translation>剩余 %1 小时 %2 分</translation>
    </message>
    <message>
        <source>Working time until the deadline (办结时限), counted on working days 08:30–12:00 and 14:00–17:30. Overdue (超期): the deadline has passed and the unit has not replied yet.</source>
        <translation>距办结时限的剩余工作时间，按工作日 08:30–12:00、14:00–17:30 计算。超期：已过办结时限，承办单位尚未答复。</translation>
    </message>
</context>
<context>
    <name>TimelineModel</name>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>经办</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>to %1</source>
        <translation>至 %1</translation>
    </message>
    <message>
        <source>result: %1, process: %2</source>
        <translation>办理结果：%1，服务过程：%2</translation>
    </message>
    <message>
        <source>not reached (attempt %1)</source>
        <translation>未接通（第 %1 次）</translation>
    </message>
    <message>
        <source>not reached</source>
        <translation>未接通</translation>
    </message>
    <message>
        <source>into %1</source>
        <translation>并入 %1</translation>
    </message>
    <message>
        <source>merged from %1</source>
        <translation>由 %1 并入</translation>
    </message>
    <message>
        <source>split from %1</source>
        <translation>由 %1 拆出</translation>
    </message>
    <message>
        <source>new ticket %1</source>
        <translation>新工单 %1</translation>
    </message>
    <message>
        <source>deadline %1</source>
        <translation>时限 %1</translation>
    </message>
    <message>
        <source>asks until %1</source>
        <translation>申请延至 %1</translation>
    </message>
    <message>
        <source>approved, new deadline %1</source>
        <translation>同意，新时限 %1</translation>
    </message>
    <message>
        <source>denied</source>
        <translation>不同意</translation>
    </message>
</context>
<context>
    <name>UnitTableModel</name>
    <message>
        <source>Unit</source>
        <translation>承办单位</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>承办件数</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期件数</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重办量</translation>
    </message>
    <message>
        <source>Result satisfaction</source>
        <translation>办理结果满意率</translation>
    </message>
    <message>
        <source>Process satisfaction</source>
        <translation>服务过程满意率</translation>
    </message>
    <message>
        <source>Closed rate</source>
        <translation>办结率</translation>
    </message>
    <message>
        <source>Accepted on time</source>
        <translation>按时签收率</translation>
    </message>
    <message>
        <source>Reply rate</source>
        <translation>回复率</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>考核总分</translation>
    </message>
    <message>
        <source>Call-in</source>
        <translation>约谈</translation>
    </message>
    <message>
        <source>The unit the tickets were dispatched to</source>
        <translation>工单交办的承办单位</translation>
    </message>
    <message>
        <source>Distinct tickets dispatched to the unit in the month</source>
        <translation>本月交办给该单位的工单数（同一工单只计一次）</translation>
    </message>
    <message>
        <source>Of those, first reply after the deadline, or no reply and the deadline passed</source>
        <translation>其中首次答复晚于办理时限，或未答复且已过时限的工单</translation>
    </message>
    <message>
        <source>Redo events in the month on the unit&apos;s tickets</source>
        <translation>本月该单位工单被退回重办的次数</translation>
    </message>
    <message>
        <source>Satisfied or basically satisfied, of the latest rated callback per ticket in the month</source>
        <translation>本月每件工单最近一次回访中，办理结果满意与基本满意的占比</translation>
    </message>
    <message>
        <source>The same on the service process rating</source>
        <translation>同上，按服务过程评价计算</translation>
    </message>
    <message>
        <source>Tickets received and closed by the month&apos;s end</source>
        <translation>承办工单中月底前已办结的占比</translation>
    </message>
    <message>
        <source>Tickets received and accepted within the acceptance time limit</source>
        <translation>承办工单中在签收时限内签收的占比</translation>
    </message>
    <message>
        <source>Tickets received and replied to by the month&apos;s end</source>
        <translation>承办工单中月底前已答复的占比</translation>
    </message>
    <message>
        <source>By score within the group, equal scores sharing a rank; units with fewer than 6 tickets are not ranked</source>
        <translation>按考核总分在本组内排名，同分同名次；工单量小于6件的单位不计入排名</translation>
    </message>
    <message>
        <source>Assessment score: the official one when imported, else computed from the policy&apos;s components with the manual adjustments</source>
        <translation>考核总分：导入官方分数时取官方分数，否则按考核指标计算并计入加减分</translation>
    </message>
    <message>
        <source>Called in this month: the last ranked units below the group&apos;s threshold</source>
        <translation>本月被约谈：排名靠后且低于本组约谈线的单位</translation>
    </message>
    <message>
        <source>Deputy leader</source>
        <translation>约谈分管领导</translation>
    </message>
    <message>
        <source>Principal leader</source>
        <translation>约谈主要领导</translation>
    </message>
    <message>
        <source>Public statement</source>
        <translation>公开表态发言</translation>
    </message>
    <message>
        <source>Official score (imported)</source>
        <translation>官方分数（导入）</translation>
    </message>
    <message>
        <source>Computed score, adjustments %1</source>
        <translation>计算分数，加减分 %1</translation>
    </message>
    <message>
        <source>Yes · %1 · %2 this year</source>
        <translation>是 · %1 · 本年第%2次</translation>
    </message>
    <message>
        <source>Not surveyed</source>
        <translation>未抽访</translation>
    </message>
    <message>
        <source>Fewer than 6 tickets: listed, not ranked</source>
        <translation>承办件数少于6件：列出但不计排名</translation>
    </message>
</context>
<context>
    <name>UnitWorkbench</name>
    <message>
        <source>Unit: %1</source>
        <translation>本单位：%1</translation>
    </message>
    <message>
        <source>This account is not linked to a handling unit: ask IT.</source>
        <translation>此账号未关联承办单位，请联系信息科。</translation>
    </message>
    <message>
        <source>&amp;Refresh (F5)</source>
        <translation>刷新(&amp;R) (F5)</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Our part</source>
        <translation>本单位职责</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Accept the reply</source>
        <translation>采纳回复</translation>
    </message>
    <message>
        <source>Send it back</source>
        <translation>退回重办</translation>
    </message>
    <message>
        <source>Reply, reason or note</source>
        <translation>回复内容、理由或说明</translation>
    </message>
    <message>
        <source>&amp;Submit (Ctrl+Enter)</source>
        <translation>提交(&amp;S) (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>&amp;Action</source>
        <translation>操作(&amp;A)</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Return reason</source>
        <translation>退回理由</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>审核意见</translation>
    </message>
    <message>
        <source>Extend until</source>
        <translation>申请延至</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Appeal</source>
        <translation>诉求内容</translation>
    </message>
    <message>
        <source>Loading the unit&apos;s tickets…</source>
        <translation>正在加载本单位工单…</translation>
    </message>
    <message>
        <source>Assisting</source>
        <translation>协办</translation>
    </message>
    <message>
        <source>Lead</source>
        <translation>主办</translation>
    </message>
    <message>
        <source>%1 ticket(s)</source>
        <translation>共 %1 件</translation>
    </message>
    <message>
        <source>The unit&apos;s tickets could not be loaded; retrying later.</source>
        <translation>本单位工单加载失败，稍后自动重试。</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1天%2小时</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1小时%2分</translation>
    </message>
    <message>
        <source>Accept: late by %1</source>
        <translation>签收已超时%1</translation>
    </message>
    <message>
        <source>Overdue by %1</source>
        <translation>已超期%1</translation>
    </message>
    <message>
        <source>Accept within %1</source>
        <translation>签收剩余%1</translation>
    </message>
    <message>
        <source>Due in %1</source>
        <translation>办结剩余%1</translation>
    </message>
    <message>
        <source>Demand</source>
        <translation>诉求</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Write at least 5 characters.</source>
        <translation>请至少填写5个字。</translation>
    </message>
    <message>
        <source>Give the reason for the extension.</source>
        <translation>请填写延期理由。</translation>
    </message>
    <message>
        <source>Say why the reply is sent back.</source>
        <translation>请填写退回理由。</translation>
    </message>
    <message>
        <source>Choose the unit.</source>
        <translation>请选择单位。</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>已完成。</translation>
    </message>
    <message>
        <source>The server could not be reached.</source>
        <translation>无法连接服务器。</translation>
    </message>
</context>
<context>
    <name>UsersScreen</name>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>显示名称</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>&amp;Add user…</source>
        <translation>新增用户(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation>停用(&amp;D)</translation>
    </message>
    <message>
        <source>Set new &amp;password…</source>
        <translation>设置新密码(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>User management</source>
        <translation>用户管理</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>新增用户</translation>
    </message>
    <message>
        <source>Disable or enable</source>
        <translation>停用或启用</translation>
    </message>
    <message>
        <source>Set new password</source>
        <translation>设置新密码</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No — disabled</source>
        <translation>否（已停用）</translation>
    </message>
    <message>
        <source>%1 accounts</source>
        <translation>共 %1 个账号</translation>
    </message>
    <message>
        <source>Only an administrator may manage accounts (the server refused).</source>
        <translation>只有系统管理员可以管理账号（服务器拒绝）。</translation>
    </message>
    <message>
        <source>&amp;Enable</source>
        <translation>启用(&amp;E)</translation>
    </message>
    <message>
        <source>Account %1 added.</source>
        <translation>已新增账号 %1。</translation>
    </message>
    <message>
        <source>%1 enabled.</source>
        <translation>已启用 %1。</translation>
    </message>
    <message>
        <source>%1 disabled; their sessions have ended.</source>
        <translation>已停用 %1，其登录已全部失效。</translation>
    </message>
    <message>
        <source>New password set for %1; tell them in person, not by e-mail.</source>
        <translation>已为 %1 设置新密码；请当面告知，不要通过邮件发送。</translation>
    </message>
</context>
<context>
    <name>Wire</name>
    <message>
        <source>The change is malformed and was not applied.</source>
        <translation>该更改格式有误，未被采用。</translation>
    </message>
    <message>
        <source>This client is too old for the server: update the program, then sync again.</source>
        <translation>本客户端版本过旧，服务器无法接受：请先升级程序，再同步。</translation>
    </message>
    <message>
        <source>The ticket number is missing or malformed.</source>
        <translation>工单编号缺失或格式有误。</translation>
    </message>
    <message>
        <source>The change names another ticket than its contents.</source>
        <translation>该更改所指工单与其内容不一致。</translation>
    </message>
    <message>
        <source>The change carries a malformed event id.</source>
        <translation>该更改的事件编号格式有误或已被其他工单使用。</translation>
    </message>
    <message>
        <source>The time of the call is missing, in the future, or too long ago.</source>
        <translation>来电时间缺失、晚于当前时间或过于久远。</translation>
    </message>
    <message>
        <source>A channel, appeal type, urgency or gender is not one the hotline knows.</source>
        <translation>渠道、诉求类型、紧急程度或性别不是热线已知的取值。</translation>
    </message>
    <message>
        <source>The caller&apos;s name or phone number is malformed.</source>
        <translation>来电人姓名或电话格式有误。</translation>
    </message>
    <message>
        <source>The category or location must be a list of names of the right length.</source>
        <translation>分类或区域须为层级完整的名称列表。</translation>
    </message>
    <message>
        <source>The content, demand or address is missing, not text, or too long.</source>
        <translation>诉求内容、诉求或地址缺失、不是文字或过长。</translation>
    </message>
    <message>
        <source>A yes/no field holds something else.</source>
        <translation>是/否字段的取值有误。</translation>
    </message>
    <message>
        <source>The command carries a value of the wrong type or size.</source>
        <translation>该操作携带的数据类型或长度有误。</translation>
    </message>
    <message>
        <source>The time of the action is malformed or out of range.</source>
        <translation>操作时间格式有误或超出允许范围。</translation>
    </message>
    <message>
        <source>The ticket has reached its size limit: no more notes can be added to it.</source>
        <translation>该工单已达容量上限，不能再添加备注。</translation>
    </message>
    <message>
        <source>The server does not know this kind of change.</source>
        <translation>服务器不识别此类更改。</translation>
    </message>
    <message>
        <source>A different ticket with this number already exists.</source>
        <translation>已存在编号相同的另一件工单。</translation>
    </message>
    <message>
        <source>The server has no such ticket.</source>
        <translation>服务器上没有这件工单。</translation>
    </message>
    <message>
        <source>Only a ticket the server lost in a restore, sent back by whoever registered it, can be recovered.</source>
        <translation>只有服务器在恢复备份时丢失的工单，且由原登记人所在客户端送回，才能恢复。</translation>
    </message>
    <message>
        <source>The server sent a ticket of a shape this PC cannot store; it was set aside.</source>
        <translation>服务器发来的工单格式本机无法保存，已隔离。</translation>
    </message>
    <message>
        <source>The change names another article than its contents.</source>
        <translation>该更改所指知识条目与其内容不一致。</translation>
    </message>
    <message>
        <source>The server has no article %1.</source>
        <translation>服务器上没有这条知识（%1）。</translation>
    </message>
    <message>
        <source>A correction needs a text of 1 to %1 characters.</source>
        <translation>纠错反馈须为 1 至 %1 个字的文字。</translation>
    </message>
    <message>
        <source>The kind of KB usage record is not known.</source>
        <translation>知识库使用记录的类型不正确。</translation>
    </message>
    <message>
        <source>Only a team lead or an administrator may stop an article being favoured.</source>
        <translation>只有班长或管理员可以取消知识库的优先推荐。</translation>
    </message>
    <message>
        <source>The KB usage record lacks the query it followed.</source>
        <translation>知识库使用记录缺少对应的查询。</translation>
    </message>
    <message>
        <source>The query must be a text of 1 to %1 characters.</source>
        <translation>查询须为 1 至 %1 个字的文字。</translation>
    </message>
    <message>
        <source>The query holds a long number (a phone or ID number?): it is not shared.</source>
        <translation>查询中含有长数字（电话或证件号？），不予共享。</translation>
    </message>
    <message>
        <source>The time of use is malformed.</source>
        <translation>使用时间格式有误。</translation>
    </message>
    <message>
        <source>The time of use has no time zone.</source>
        <translation>使用时间缺少时区。</translation>
    </message>
</context>
</TS>
