#include "recap/listen/sender.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>

#include <chrono>
#include <set>
#include <thread>

namespace recap::listen {
namespace fs = std::filesystem;

namespace {

void setUp(DcmSCU& scu, const std::string& calling_ae, const Destination& to, int timeout_s) {
  scu.setAETitle(calling_ae.c_str());
  scu.setPeerAETitle(to.ae_title.c_str());
  scu.setPeerHostName(to.host.c_str());
  scu.setPeerPort(static_cast<Uint16>(to.port));
  scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  scu.setDIMSETimeout(timeout_s);
  scu.setACSETimeout(timeout_s);
  scu.setConnectionTimeout(timeout_s);
}

std::string where(const Destination& to) { return to.ae_title + "@" + to.host + ":" + std::to_string(to.port); }

}  // namespace

std::string echo(const std::string& calling_ae, const Destination& to, int timeout_s) {
  DcmSCU scu;
  setUp(scu, calling_ae, to, timeout_s);
  OFList<OFString> ts;
  ts.push_back(UID_LittleEndianImplicitTransferSyntax);
  scu.addPresentationContext(UID_VerificationSOPClass, ts);
  OFCondition c = scu.initNetwork();
  if (c.good()) c = scu.negotiateAssociation();
  if (c.bad()) return where(to) + ": association failed: " + c.text();
  c = scu.sendECHORequest(0);
  scu.releaseAssociation();
  return c.good() ? "" : where(to) + ": C-ECHO failed: " + c.text();
}

std::string storeOnce(const std::string& calling_ae, const Destination& to, const std::vector<fs::path>& files, int timeout_s) {
  DcmSCU scu;
  setUp(scu, calling_ae, to, timeout_s);
  // One presentation context per SOP class and transfer syntax of the files, plus the
  // uncompressed syntaxes (the SCU converts when needed).
  std::set<std::pair<std::string, std::string>> contexts;
  for (const fs::path& f : files) {
    DcmFileFormat ff;
    if (ff.loadFile(f.c_str()).bad()) return f.string() + ": cannot read the file to send";
    OFString cls, ts;
    ff.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, cls);
    ff.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, ts);
    contexts.insert({cls.c_str(), ts.c_str()});
  }
  std::set<std::string> classes;
  for (const auto& [cls, ts] : contexts) {
    OFList<OFString> one;
    one.push_back(ts.c_str());
    scu.addPresentationContext(cls.c_str(), one);
    classes.insert(cls);
  }
  for (const auto& cls : classes) {
    OFList<OFString> plain;
    plain.push_back(UID_LittleEndianExplicitTransferSyntax);
    plain.push_back(UID_LittleEndianImplicitTransferSyntax);
    scu.addPresentationContext(cls.c_str(), plain);
  }
  OFCondition c = scu.initNetwork();
  if (c.good()) c = scu.negotiateAssociation();
  if (c.bad()) return where(to) + ": association failed: " + c.text();
  std::string failure;
  for (const fs::path& f : files) {
    Uint16 status = 0;
    c = scu.sendSTORERequest(0, f.c_str(), nullptr, status);
    if (c.bad() || (status != 0 && (status & 0xF000) != 0xB000)) {
      failure = where(to) + ": C-STORE of " + f.string() + " failed: " +
                (c.bad() ? std::string(c.text()) : "status 0x" + [&] {
                  char b[8];
                  std::snprintf(b, sizeof b, "%04X", status);
                  return std::string(b);
                }());
      break;
    }
  }
  if (failure.empty()) scu.releaseAssociation();
  else scu.abortAssociation();
  return failure;
}

std::string storeWithRetries(const std::string& calling_ae, const Destination& to, const std::vector<fs::path>& files,
                             int attempts, double backoff_s, const std::atomic<bool>& stop) {
  std::string why;
  double wait = backoff_s;
  for (int a = 1; a <= attempts; ++a) {
    why = storeOnce(calling_ae, to, files);
    if (why.empty()) return "";
    if (a == attempts) break;
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait);
    while (std::chrono::steady_clock::now() < until) {
      if (stop) return why + " (stopped before retrying)";
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    wait *= 2;
  }
  return why + " (after " + std::to_string(attempts) + " attempts)";
}

}  // namespace recap::listen
