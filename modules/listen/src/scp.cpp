#include "recap/listen/scp.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scp.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>

#include "recap/core/error.h"

namespace recap::listen {
namespace fs = std::filesystem;

namespace {

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// What the SCP's handlers need, set while the server runs (one server per process).
struct Shared {
  const Config* config = nullptr;
  Queue* queue = nullptr;
  fs::path incoming;
  std::atomic<long> counter{0};
  std::atomic<bool> stop{false};
};
Shared* g_shared = nullptr;

// DCMTK's single-process DcmSCP: one association at a time (others wait in the TCP backlog).
// DcmSCPPool (an association per thread) was tried: with DCMTK 3.6.7 a rejected association with
// many presentation contexts (storescu's) corrupted the heap now and then.
class Worker : public DcmSCP {
 protected:
  OFBool stopAfterConnectionTimeout() override { return g_shared->stop.load(); }

  OFBool checkCallingAETitleAccepted(const OFString& calling) override {
    const auto& allowed = g_shared->config->allowed_callers;
    const bool ok = std::find(allowed.begin(), allowed.end(), std::string(calling.c_str())) != allowed.end();
    if (!ok) spdlog::warn("association from calling AE title '{}' rejected: not in allowed_callers", calling.c_str());
    return ok;
  }

  OFBool checkCalledAETitleAccepted(const OFString& called) override {
    const bool ok = std::string(called.c_str()) == g_shared->config->ae_title;
    if (!ok) spdlog::warn("association to called AE title '{}' rejected: this node is '{}'", called.c_str(), g_shared->config->ae_title);
    return ok;
  }

  void notifyAssociationAcknowledge() override {
    released_ = false;
    studies_.clear();
  }

  void notifyReleaseRequest() override { released_ = true; }

  void notifyAssociationTermination() override {
    for (const auto& s : studies_) {
      try {
        g_shared->queue->associationEnded(s, !released_, nowSeconds());
      } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
      }
    }
    if (!released_ && !studies_.empty())
      spdlog::warn("association from {} ended without release: {} stud{} held back until a complete delivery",
                   getPeerAETitle().c_str(), studies_.size(), studies_.size() == 1 ? "y" : "ies");
    studies_.clear();
  }

  OFCondition handleIncomingCommand(T_DIMSE_Message* msg, const DcmPresentationContextInfo& info) override {
    if (msg->CommandField == DIMSE_C_STORE_RQ) return store(msg->msg.CStoreRQ, info.presentationContextID);
    return DcmSCP::handleIncomingCommand(msg, info);  // C-ECHO and refusals of the rest
  }

 private:
  OFCondition store(T_DIMSE_C_StoreRQ& req, T_ASC_PresentationContextID pres) {
    const fs::path tmp = g_shared->incoming / (sanitizeUid(req.AffectedSOPInstanceUID) + ".tmp-" +
                                               std::to_string(::getpid()) + "-" + std::to_string(++g_shared->counter));
    const OFCondition c = receiveSTORERequest(req, pres, OFString(tmp.c_str()));
    if (c.bad()) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return c;  // the association is gone or broken
    }
    Uint16 status = STATUS_Success;
    try {
      const InstanceInfo info = readInstanceInfo(tmp);
      const fs::path path = commitInstance(tmp, g_shared->config->archive, info);
      g_shared->queue->recordInstance(info, path.string(), nowSeconds());
      if (studies_.insert(info.study_uid).second) g_shared->queue->associationOpened(info.study_uid);
    } catch (const Error& e) {
      spdlog::error("C-STORE from {}: {}", getPeerAETitle().c_str(), e.what());
      status = e.code() == ErrorCode::CorruptInput ? STATUS_STORE_Error_CannotUnderstand : STATUS_STORE_Refused_OutOfResources;
      std::error_code ec;
      fs::remove(tmp, ec);
    }
    return sendSTOREResponse(pres, req, status);
  }

  bool released_ = false;
  std::set<std::string> studies_;
};

}  // namespace

struct StorageServer::Impl {
  Shared shared;
  Worker scp;
};

StorageServer::StorageServer(const Config& config, Queue& queue) : impl_(std::make_unique<Impl>()) {
  impl_->shared.config = &config;
  impl_->shared.queue = &queue;
  impl_->shared.incoming = config.archive / ".incoming";
  DcmSCPConfig& c = impl_->scp.getConfig();
  c.setAETitle(config.ae_title.c_str());
  c.setPort(static_cast<Uint16>(config.port));
  c.setHostLookupEnabled(OFFalse);
  c.setConnectionBlockingMode(DUL_NOBLOCK);  // wake up every second to see whether to stop
  c.setConnectionTimeout(1);
  c.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  c.setDIMSETimeout(120);
  c.setACSETimeout(30);
  OFList<OFString> syntaxes;
  for (const char* ts : {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
                         UID_BigEndianExplicitTransferSyntax, UID_DeflatedExplicitVRLittleEndianTransferSyntax,
                         UID_JPEGProcess14SV1TransferSyntax, UID_JPEGProcess14TransferSyntax,
                         UID_JPEGProcess1TransferSyntax, UID_JPEGProcess2_4TransferSyntax,
                         UID_JPEGLSLosslessTransferSyntax, UID_JPEGLSLossyTransferSyntax, UID_RLELosslessTransferSyntax,
                         UID_JPEG2000LosslessOnlyTransferSyntax, UID_JPEG2000TransferSyntax})
    syntaxes.push_back(ts);
  OFList<OFString> plain;
  plain.push_back(UID_LittleEndianExplicitTransferSyntax);
  plain.push_back(UID_LittleEndianImplicitTransferSyntax);
  if (c.addPresentationContext(UID_VerificationSOPClass, plain).bad())
    throw Error(ErrorCode::Internal, "", "DcmSCPConfig: cannot add the verification SOP class");
  // An association profile holds at most 128 presentation contexts: DCMTK's image storage classes,
  // the structured reports, segmentation, key objects, encapsulated PDF and RT objects.
  std::vector<std::string> classes(dcmImageSOPClassUIDs, dcmImageSOPClassUIDs + numberOfDcmImageSOPClassUIDs);
  for (const char* uid : {UID_BasicTextSRStorage, UID_EnhancedSRStorage, UID_ComprehensiveSRStorage,
                          UID_Comprehensive3DSRStorage, UID_KeyObjectSelectionDocumentStorage,
                          UID_SegmentationStorage, UID_EncapsulatedPDFStorage, UID_RTStructureSetStorage,
                          UID_RTDoseStorage, UID_RTPlanStorage, UID_GrayscaleSoftcopyPresentationStateStorage,
                          UID_SpatialRegistrationStorage, UID_RadiopharmaceuticalRadiationDoseSRStorage,
                          UID_XRayRadiationDoseSRStorage})
    classes.push_back(uid);
  std::set<std::string> added;
  for (const std::string& uid : classes) {
    if (added.size() >= 127 || !added.insert(uid).second) continue;
    if (c.addPresentationContext(uid.c_str(), syntaxes).bad())
      throw Error(ErrorCode::Internal, "", "DcmSCPConfig: cannot add the storage SOP class " + uid);
  }
}

StorageServer::~StorageServer() {
  if (g_shared == &impl_->shared) g_shared = nullptr;
}

void StorageServer::run() {
  std::error_code ec;
  fs::create_directories(impl_->shared.incoming, ec);
  if (ec) throw Error(ErrorCode::Output, impl_->shared.incoming.string(), "cannot create the folder: " + ec.message());
  // Files left by a crash in the middle of a C-STORE were never answered: the sender sends again.
  for (const auto& e : fs::directory_iterator(impl_->shared.incoming)) fs::remove(e.path(), ec);
  if (g_shared && g_shared != &impl_->shared) throw Error(ErrorCode::Internal, "", "only one StorageServer per process");
  g_shared = &impl_->shared;
  const OFCondition c = impl_->scp.listen();
  if (c.bad() && c != NET_EC_StopAfterConnectionTimeout && c != NET_EC_StopAfterAssociation)
    throw Error(ErrorCode::Output, "port " + std::to_string(impl_->shared.config->port),
                std::string("DICOM listener: ") + c.text());
}

void StorageServer::stop() { impl_->shared.stop = true; }

}  // namespace recap::listen
