// The AWS SDK prints a multi-line NodeVersionSupportWarning, once per process, on Node < 22. In a
// workshop notebook it shows up in red under every cell that touches AWS, in local mode too, and
// says nothing about the step. The kit runs on Node 20.19+ today and the Workbench lifecycle installs
// Node 22; the README says so. A user who wants the warning back sets the variable to "false".
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
export {};
